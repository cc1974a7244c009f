/** Reads and evaluates a TypeScript experiment script for the CLI; script errors become one CliError with file:line:column. */
import { readFileSync } from 'node:fs';
import { prepareRun, type PreparedRun } from '../api/runner';
import { ProfileError } from '../common/profile/profile';
import { SpecError } from '../common/spec';
import { SetPathError } from '../common/spec/set-path';
import { TopologyError } from '../engine/models/model';
import { evaluateScript, ScriptError, type ScriptExperiment } from '../script/api';
import { positionOfPath } from '../script/sites';
import { CliError } from './errors';
import type { CliIO } from './io';

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

/** Shows what the script printed (console.log), each line prefixed with the file name. */
export function showLogs(file: string, experiment: ScriptExperiment, io: CliIO): void {
  for (const line of experiment.logs ?? []) io.err(`${file}: ${line}\n`);
}

/**
 * Prepares every spec of an evaluated script (profile resolution, topology check). A spec the
 * models cannot build, or an unknown profile or override, is reported at the script position of
 * the builder call that declared the offending part.
 */
export function prepareScriptRuns(file: string, experiment: ScriptExperiment, seed: number | undefined): PreparedRun[] {
  return experiment.specs.map((spec, i) => {
    // --seed N replaces the script's seed of replication 0; replication k still runs with N + k in every point.
    const input = seed === undefined ? spec : { ...spec, seed: seed + spec.replication };
    try {
      return prepareRun(input);
    } catch (e) {
      const where = (path: string): string => {
        const pos = positionOfPath(path, experiment.positions?.[i]) ?? { line: 1, column: 1 };
        return `${file}:${pos.line}:${pos.column}`;
      };
      const point = Object.entries(spec.point).map(([k, v]) => `${k}=${String(v)}`).join(' ');
      const at = point ? ` (sweep point ${point})` : '';
      if (e instanceof TopologyError) throw new CliError(`${where(e.path)}: ${e.message}${at} [topology]`);
      if (e instanceof ProfileError) throw new CliError(`${where('profile')}: ${e.message}${at} [profile]`);
      if (e instanceof SpecError || e instanceof SetPathError) throw new CliError(`${where('')}: ${e.message}${at}`);
      throw e;
    }
  });
}
