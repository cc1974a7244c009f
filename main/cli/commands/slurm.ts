/** `viommu-lab slurm SCRIPT --shards N [--dir DIR] [--out FILE] [...]`: writes the sbatch job array and the dependent merge job. */
import { chmodSync, writeFileSync } from 'node:fs';
import { makeDirs } from '../../store/make-dirs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError } from '../errors';
import type { CliIO } from '../io';
import { shellQuote, slurmScripts } from '../slurm-script';
import { parseTimeout } from './run';

import { slurmUsage } from '../usage';

export { slurmUsage };

/** How this installation is started: node with this bin script (the nodes share the file system). */
function defaultCommand(): string {
  const bin = resolve(new URL('../../../bin/viommu-lab.cjs', import.meta.url).pathname);
  return `${shellQuote(process.execPath)} ${shellQuote(bin)}`;
}

export function slurmCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      shards: { type: 'string' },
      dir: { type: 'string' },
      out: { type: 'string' },
      partition: { type: 'string' },
      time: { type: 'string' },
      'cpus-per-task': { type: 'string' },
      command: { type: 'string' },
      set: { type: 'string', multiple: true },
      timeout: { type: 'string' },
    },
  });
  if (positionals.length !== 1 || values.shards === undefined) throw new CliError(`usage: ${slurmUsage}`, 2);
  const shards = Number(values.shards);
  if (!Number.isSafeInteger(shards) || shards < 1 || shards > 100_000) throw new CliError(`--shards ${values.shards}: expected a whole number from 1 to 100000`, 2);
  const cpus = values['cpus-per-task'] === undefined ? undefined : Number(values['cpus-per-task']);
  if (cpus !== undefined && !(Number.isSafeInteger(cpus) && cpus >= 1)) throw new CliError(`--cpus-per-task ${values['cpus-per-task']}: expected a positive whole number`, 2);
  for (const [flag, v] of [['--partition', values.partition], ['--time', values.time]] as const) {
    if (v !== undefined && !/^[\w:.,-]+$/.test(v)) throw new CliError(`${flag} ${v}: expected a Slurm ${flag.slice(2)} (letters, digits, : . , - _)`, 2);
  }
  const dir = resolve(values.dir ?? 'slurm-sweep');
  const plan = {
    script: resolve(positionals[0]!),
    shards,
    dir,
    out: resolve(values.out ?? join(dir, 'merged.sqlite')),
    command: values.command ?? defaultCommand(),
    partition: values.partition,
    time: values.time,
    cpusPerTask: cpus,
    runArgs: [...(values.set ?? []).flatMap((s) => ['--set', shellQuote(s)]), ...(values.timeout !== undefined ? ['--timeout', shellQuote(String(parseTimeout(values.timeout)))] : [])],
  };
  const { array, merge, submit } = slurmScripts(plan);
  try {
    makeDirs(dir);
    writeFileSync(join(dir, 'sweep.sbatch'), array);
    writeFileSync(join(dir, 'merge.sbatch'), merge);
    writeFileSync(join(dir, 'submit.sh'), submit);
    chmodSync(join(dir, 'submit.sh'), 0o755);
  } catch (e) {
    throw new CliError(`cannot write the job scripts in ${dir}: ${(e as Error).message}`);
  }
  io.out(`${join(dir, 'sweep.sbatch')}\n${join(dir, 'merge.sbatch')}\n${join(dir, 'submit.sh')}\n`);
  io.err(`wrote a ${shards}-task job array and its merge job; submit both with: ${join(dir, 'submit.sh')}\n`);
  return 0;
}
