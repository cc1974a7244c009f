/**
 * `viommu-lab check <script.ts|spec.json> [--set key=value]... [--no-types]`: type-checks a script
 * against the DSL's declarations, evaluates it in the sandbox and validates every spec and
 * profile, without running or storing anything.
 */
import { parseArgs } from 'node:util';
import { CliError } from '../errors';
import type { CliIO } from '../io';
import { isScriptFile, loadScript, prepareScriptRuns, showLogs } from '../script-file';
import { readJsonFile } from '../spec-file';
import { parseSets, parseTimeout, prepareOrExplain } from './run';

export const checkUsage = 'viommu-lab check <script.ts|spec.json> [--set key=value]... [--timeout MS] [--no-types]';

export async function checkCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { set: { type: 'string', multiple: true }, timeout: { type: 'string' }, 'no-types': { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new CliError(`usage: ${checkUsage}`, 2);
  const file = positionals[0]!;
  const sets = parseSets(values.set);
  if (isScriptFile(file)) {
    const { experiment } = await loadScript(file, sets, parseTimeout(values.timeout), !values['no-types']);
    // Resolving the profiles too catches an unknown profile or override before anything runs.
    showLogs(file, experiment, io);
    prepareScriptRuns(file, experiment, undefined);
    const points = new Set(experiment.specs.map((s) => JSON.stringify(s.point))).size;
    const reps = experiment.specs.length / points;
    io.out(`${file}: ok — experiment "${experiment.name}": ${experiment.specs.length} run${experiment.specs.length === 1 ? '' : 's'} (${points} point${points === 1 ? '' : 's'} × ${reps} replication${reps === 1 ? '' : 's'})\n`);
    return 0;
  }
  if (!file.endsWith('.json')) throw new CliError(`${file}: expected a .ts script or a .json spec`, 2);
  const input = readJsonFile(file);
  const inputs = Array.isArray(input) ? input : [input];
  for (const one of inputs) prepareOrExplain(file, one, undefined, sets);
  io.out(`${file}: ok — ${inputs.length} spec${inputs.length === 1 ? '' : 's'}\n`);
  return 0;
}
