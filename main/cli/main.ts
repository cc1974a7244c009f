/**
 * The viommu-lab command line: dispatches to one command per verb; every error is one sentence
 * (one per line when a file has several problems, each `file:line:column: …`) and a non-zero exit.
 */
import { checkCommand, checkUsage } from './commands/check';
import { exportCommand, exportUsage } from './commands/export';
import { notebookCommand, notebookUsage } from './commands/notebook';
import { runCommand, runUsage } from './commands/run';
import { runsCommand } from './commands/runs';
import { dbCommand, dbUsage } from './commands/db';
import { mergeCommand, mergeUsage } from './commands/merge';
import { slurmCommand, slurmUsage } from './commands/slurm';
import { CliError } from './errors';
import { StoreError } from '../common/store-errors';
import { processIO, type CliIO } from './io';

const USAGE = `vIOMMU Lab — simulate virtual IOMMU and DMA paths, keep every run.

usage:
  ${runUsage}
  ${checkUsage}
  viommu-lab runs [--db FILE] [--experiment NAME] [--status STATUS] [--json]
  ${exportUsage}
  ${dbUsage}
  ${mergeUsage}
  ${slurmUsage}
  ${notebookUsage}

The database defaults to $XDG_DATA_HOME/viommu-lab/lab.sqlite (or $VIOMMU_LAB_DB).
`;

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case 'run':
        return await runCommand(rest, io);
      case 'check':
        return await checkCommand(rest, io);
      case 'runs':
        return runsCommand(rest, io);
      case 'export':
        return await exportCommand(rest, io);
      case 'db':
        return dbCommand(rest, io);
      case 'merge':
        return mergeCommand(rest, io);
      case 'slurm':
        return slurmCommand(rest, io);
      case 'notebook':
        return await notebookCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return verb === undefined ? 2 : 0;
      default:
        throw new CliError(`unknown command "${verb}"; try: run, check, runs, export, notebook, db, merge, slurm`, 2);
    }
  } catch (e) {
    if (e instanceof CliError) {
      for (const line of e.message.split('\n')) io.err(`viommu-lab: ${line}\n`);
      return e.exitCode;
    }
    if (e instanceof StoreError) {
      io.err(`viommu-lab: ${e.message}\n`);
      return 1;
    }
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      // One line, as every error: Node's message for a value starting with a dash spans three.
      io.err(`viommu-lab: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 2;
    }
    io.err(`viommu-lab: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 70;
  }
}
