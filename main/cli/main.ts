/**
 * The viommu-lab command line: dispatches to one command per verb; every error is one sentence
 * (one per line when a file has several problems, each `file:line:column: …`) and a non-zero exit.
 * Each command's module is imported when it runs, so `--help` (and the bundled CLI's start)
 * does not build the spec schemas, the model catalogue or the store.
 */
import { COMMANDS, HELP_VERBS, USAGE } from './usage';
import { CliError } from './errors';
import { StoreError } from '../common/store-errors';
import { processIO, type CliIO } from './io';

/** For bin/viommu-lab.cjs: whether the process's output still waits in a stream before it may exit. */
export { outputPending } from './io';

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || HELP_VERBS.includes(verb)) {
    io.out(USAGE);
    return verb === undefined ? 2 : 0;
  }
  try {
    switch (verb) {
      case 'run':
        return await (await import('./commands/run')).runCommand(rest, io);
      case 'check':
        return await (await import('./commands/check')).checkCommand(rest, io);
      case 'runs':
        return await (await import('./commands/runs')).runsCommand(rest, io);
      case 'export':
        return await (await import('./commands/export')).exportCommand(rest, io);
      case 'db':
        return await (await import('./commands/db')).dbCommand(rest, io);
      case 'merge':
        return await (await import('./commands/merge')).mergeCommand(rest, io);
      case 'slurm':
        return await (await import('./commands/slurm')).slurmCommand(rest, io);
      case 'notebook':
        return await (await import('./commands/notebook')).notebookCommand(rest, io);
      default:
        throw new CliError(`unknown command "${verb}"; try: ${COMMANDS.join(', ')}`, 2);
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
