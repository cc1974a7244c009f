/** `viommu-lab notebook run FILE [--db FILE] [-o OUT] [--no-runs]`: runs every cell top to bottom, stores the notebook, writes it back with its runs. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openStore } from '../db';
import { CliError } from '../errors';
import type { CliIO } from '../io';
import { cellLines, notebookService, openNotebookFile } from '../notebook-session';

import { notebookUsage } from '../usage';

export { notebookUsage };

export async function notebookCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { db: { type: 'string' }, output: { type: 'string', short: 'o' }, 'no-runs': { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'run' || positionals.length !== 2) throw new CliError(`usage: ${notebookUsage}`, 2);
  const file = positionals[1]!;
  const store = openStore(values.db);
  const service = notebookService(store);
  try {
    const opened = await openNotebookFile(service, store, file);
    const view = await service.runNotebook({ id: opened.id });
    io.out(`notebook "${view.name}": ${view.title}\n` + cellLines(view));
    if (values.output !== undefined) {
      const f = await service.exportNotebook({ id: view.id, runs: !values['no-runs'], format: 'notebook' });
      try {
        writeFileSync(values.output, f.data);
      } catch (e) {
        throw new CliError(`cannot write ${values.output}: ${(e as Error).message}`);
      }
      io.err(`wrote ${values.output}\n`);
    }
    const failed = view.cells.filter((c) => c.state?.error !== undefined);
    for (const c of failed) io.err(`cell ${c.cell.id}: ${c.state!.error}\n`);
    io.err(`stored notebook "${view.name}" in ${store.path}\n`);
    return failed.length ? 1 : 0;
  } finally {
    await service.close();
    store.close();
  }
}
