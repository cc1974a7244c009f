/** Reads and evaluates a TypeScript experiment script for the CLI; script errors become one CliError with file:line:column. */
import { readFileSync } from 'node:fs';
import { evaluateScript, ScriptError, type ScriptExperiment } from '../script/api';
import { CliError } from './errors';

export function isScriptFile(file: string): boolean {
  return /\.(ts|mts)$/.test(file);
}

export async function loadScript(file: string, sets: readonly [string, unknown][], timeoutMs?: number, typeCheck = false): Promise<{ source: string; experiment: ScriptExperiment }> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return { source, experiment: await evaluateScript(source, file, { sets, timeoutMs, typeCheck }) };
  } catch (e) {
    if (e instanceof ScriptError) throw new CliError(`${e.message} [${e.diagnostic.kind}]`);
    throw e;
  }
}
