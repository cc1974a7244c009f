/**
 * `viommu-lab export csv|json [--db FILE] [--experiment NAME] [--status S] [-o FILE]` and
 * `viommu-lab export html|pdf|ipynb <notebook.json> | --notebook NAME [--db FILE] [-o FILE] [--chromium FILE]`.
 * ipynb is the notebook for Jupyter: markdown cells, and code cells that load its runs' CSV.
 * A report from a notebook file imports the file's runs and runs only the cells it has no current
 * results for; the PDF is the HTML report printed by Chromium (no Electron needed).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ApiError } from '../../common/api/contract';
import { PdfError } from '../../common/errors';
import { runsCsv } from '../../report/runs-csv';
import { runsJson } from '../../report/runs-json';
import { openStore, withStore } from '../db';
import { CliError } from '../errors';
import type { CliIO } from '../io';
import { findStoredNotebook, notebookName, notebookService, openNotebookFile } from '../notebook-session';
import { parseStatus } from './runs';

import { exportUsage } from '../usage';

export { exportUsage };

export async function exportCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      experiment: { type: 'string' },
      status: { type: 'string' },
      output: { type: 'string', short: 'o' },
      notebook: { type: 'string' },
      chromium: { type: 'string' },
    },
  });
  const format = positionals[0];
  if (format === 'html' || format === 'pdf' || format === 'ipynb') return exportReport(format, positionals.slice(1), values, io);
  if (positionals.length !== 1) throw new CliError(`usage: ${exportUsage}`, 2);
  const build = format === 'csv' ? runsCsv : format === 'json' ? runsJson : undefined;
  if (build === undefined) throw new CliError(`export ${format}: expected csv (one row per run), json (runs with specs and full results), html or pdf (a notebook's report) or ipynb (a notebook for Jupyter)`, 2);
  return withStore(openStore(values.db, io), (store) => {
    const text = build(store, { experiment: values.experiment, status: parseStatus(values.status) });
    if (values.output !== undefined) {
      write(values.output, text);
      io.err(`wrote ${values.output}\n`);
    } else {
      io.out(text);
    }
    return 0;
  });
}

function write(file: string, data: string | Buffer): void {
  try {
    writeFileSync(file, data);
  } catch (e) {
    throw new CliError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

async function exportReport(format: 'html' | 'pdf' | 'ipynb', files: string[], values: { db?: string; output?: string; notebook?: string; chromium?: string }, io: CliIO): Promise<number> {
  if ((files.length === 1) === (values.notebook !== undefined) || files.length > 1) throw new CliError(`export ${format}: name one notebook file or --notebook NAME`, 2);
  const store = openStore(values.db);
  const service = notebookService(store, values.chromium);
  try {
    let view = files.length === 1 ? await openNotebookFile(service, store, files[0]!) : await service.getNotebook({ id: findStoredNotebook(store, values.notebook!) });
    const pending = view.cells.filter((c) => c.status !== 'fresh').map((c) => c.cell.id);
    if (pending.length > 0) {
      io.err(`running ${pending.length} cell${pending.length === 1 ? '' : 's'} without current results: ${pending.join(', ')}\n`);
      view = await service.runNotebook({ id: view.id, cells: pending });
      const failed = view.cells.filter((c) => c.state?.error !== undefined);
      if (failed.length) throw new CliError(`cell ${failed[0]!.cell.id}: ${failed[0]!.state!.error}`);
    }
    let file;
    try {
      file = format === 'ipynb' ? await service.exportNotebook({ id: view.id, runs: false, format }) : await service.exportReport({ id: view.id, format });
    } catch (e) {
      if (e instanceof ApiError || e instanceof PdfError) throw new CliError(e.message);
      throw e;
    }
    const out = values.output ?? `${files.length === 1 ? notebookName(files[0]!) : file.fileName.replace(/\.[a-z]+$/, '')}.${format}`;
    write(out, file.encoding === 'base64' ? Buffer.from(file.data, 'base64') : file.data);
    io.err(`wrote ${out}\n`);
    return 0;
  } finally {
    await service.close();
    store.close();
  }
}
