/** Reads a spec file (JSON) with errors that name the file and, for syntax errors, line:column. */
import { readFileSync } from 'node:fs';
import { CliError } from './errors';
import { locateJsonError } from './json-error';

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const at = locateJsonError(text);
    if (at !== null) throw new CliError(`${path}:${at.line}:${at.column}: invalid JSON: ${at.message}`);
    throw new CliError(`${path}: invalid JSON: ${(e as Error).message}`);
  }
}
