/**
 * The CLI's notebook session: the API service over the store with an in-process executor (the
 * same jobs and notebook path as the workbench), and a notebook file brought into the store —
 * its runs imported, and the notebook stored under the file's name (replacing an earlier copy
 * of the same file, so repeated commands do not pile up copies).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InProcessExecutor } from '../api/engine/in-process';
import { importRuns, parseNotebookFileText } from '../api/notebook/file';
import { createLabService, type LabServiceHandle } from '../api/service';
import { NotebookError } from '../common/notebook/schema';
import type { NotebookView } from '../common/api/notebook-types';
import * as nbStore from '../store/notebooks';
import { htmlToPdf } from '../report/pdf';
import type { LabStore } from '../store/store';
import { CliError } from './errors';

export function notebookService(store: LabStore, chromium?: string): LabServiceHandle {
  return createLabService({ store, executor: new InProcessExecutor(), printPdf: (html) => htmlToPdf(html, { chromium }) });
}

/** The stored name of a notebook file: its base name without `.json` / `.viommu-notebook`. */
export function notebookName(file: string): string {
  return basename(file).replace(/\.json$/i, '').replace(/\.viommu-notebook$/i, '');
}

export async function openNotebookFile(service: LabServiceHandle, store: LabStore, file: string): Promise<NotebookView> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let parsed;
  try {
    parsed = parseNotebookFileText(text, file);
  } catch (e) {
    if (e instanceof NotebookError) throw new CliError(e.message);
    throw e;
  }
  importRuns(store, parsed);
  const name = notebookName(file);
  const existing = nbStore.findNotebook(store, name);
  const id = existing === undefined ? nbStore.createNotebook(store, name, parsed.notebook) : (nbStore.updateNotebook(store, existing.id, parsed.notebook), existing.id);
  return service.getNotebook({ id });
}

export function findStoredNotebook(store: LabStore, name: string): number {
  const row = nbStore.findNotebook(store, name);
  if (row === undefined) {
    const names = nbStore.listNotebooks(store).map((n) => n.name);
    throw new CliError(`no notebook "${name}" in ${store.path}${names.length ? `; stored: ${names.join(', ')}` : ''}`);
  }
  return row.id;
}

/** One line per cell: its execution count, type, status and what it shows. */
export function cellLines(v: NotebookView): string {
  return (
    v.cells
      .map((c) => {
        const n = c.state ? `[${c.state.executionCount}]` : '[ ]';
        const o = c.output;
        const what =
          o.type === 'experiment'
            ? `${o.experiment}: ${o.runs.length} runs${c.state?.reproduced ? `; ${c.state.reproduced.same} of ${c.state.reproduced.of} result hashes reproduced on engine ${c.state.reproduced.engineVersion}` : ''}`
            : o.type === 'chart'
              ? `${o.data.kind} chart of ${o.data.metric}`
              : o.type === 'table'
                ? `table: ${o.compare.groups.length} configurations × ${o.compare.metrics.length} metrics`
                : o.type === 'empty'
                  ? o.message
                  : o.type;
        return `${n.padEnd(5)} ${c.cell.id.padEnd(16)} ${c.cell.type.padEnd(10)} ${c.status.padEnd(9)} ${what}${c.state?.error ? ` — ${c.state.error}` : ''}`;
      })
      .join('\n') + '\n'
  );
}
