/** Reads a spec file (JSON) with errors that name the file and, for syntax errors, line:column. */
import { readFileSync } from 'node:fs';
import { JsonSyntaxError, parseJsonSource } from '../api/json-source';
import { CliError } from './errors';

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return parseJsonSource(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new CliError(`${path}:${e.position.line}:${e.position.column}: invalid JSON: ${e.message}`);
    throw e;
  }
}
