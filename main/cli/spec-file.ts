/** Reads a spec file (JSON) with errors that name the file and, for syntax errors, line:column. */
import { readFileSync } from 'node:fs';
import { CliError } from './errors';

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
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    if (pos !== null) {
      const offset = Number(pos[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      throw new CliError(`${path}:${line}:${column}: invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '')}`);
    }
    throw new CliError(`${path}: invalid JSON: ${msg}`);
  }
}
