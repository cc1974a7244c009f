/**
 * The notebook, report and export operations of the API service. Notebooks are stored whole
 * (cells, recorded state, execution counter); a client edits cells, title and question, while
 * the state is written only by running cells here. Reports are HTML built by main/common/report;
 * PDF is that HTML printed by the host's Chromium engine (the printer is injected: Electron's
 * printToPDF in the app, playwright-driven Chromium in the browser host and CLI).
 */
import { ApiError, type LabService, type Parsed } from '../../common/api/contract';
import type { ExportedFile, NotebookInfo, NotebookView } from '../../common/api/notebook-types';
import { NotebookError, parseNotebook, type Notebook } from '../../common/notebook/schema';
import { runsCsv } from '../../report/runs-csv';
import { runsJson } from '../../report/runs-json';
import * as nbStore from '../../store/notebooks';
import * as q from '../../store/run-queries';
import type { NotebookBackend } from './backend';
import { importRuns, notebookFileText, parseNotebookFileText } from './file';
import { runCells } from './execute';
import { notebookIpynb } from './ipynb';
import { fileStem, notebookReportHtml } from './report';
import { cellViews } from './views';

export type PdfPrinter = (html: string) => Promise<Uint8Array>;

type NotebookOps = Pick<
  LabService,
  'listNotebooks' | 'createNotebook' | 'getNotebook' | 'saveNotebook' | 'deleteNotebook' | 'runNotebook' | 'importNotebook' | 'exportNotebook' | 'exportReport' | 'exportRuns'
>;

function load(b: NotebookBackend, id: number): { name: string; nb: Notebook; updatedAt: string } {
  const row = nbStore.getNotebook(b.store, id);
  if (row === undefined) throw new ApiError(`no notebook #${id}`, 'not-found');
  return { name: row.name, nb: parseNotebook(row.doc, `notebook "${row.name}"`), updatedAt: row.updatedAt };
}

export async function notebookView(b: NotebookBackend, id: number): Promise<NotebookView> {
  const { name, nb, updatedAt } = load(b, id);
  return { id, name, title: nb.title, question: nb.question, executionCounter: nb.executionCounter, cells: await cellViews(b, nb), updatedAt };
}

/** Validates a notebook document; a bad one is an ApiError with the field's path. */
function checked(raw: unknown): Notebook {
  try {
    return parseNotebook(raw);
  } catch (e) {
    if (e instanceof NotebookError) throw new ApiError(e.message);
    throw e;
  }
}

export function notebookOperations(b: NotebookBackend, printPdf: PdfPrinter | null): NotebookOps {
  return {
    listNotebooks(): NotebookInfo[] {
      return nbStore.listNotebooks(b.store);
    },

    async createNotebook({ name, title, question, cells }: Parsed<'createNotebook'>) {
      const nb = checked({ title: title ?? name, question, cells });
      return notebookView(b, nbStore.createNotebook(b.store, name, nb));
    },

    getNotebook({ id }: Parsed<'getNotebook'>) {
      return notebookView(b, id);
    },

    async saveNotebook({ id, name, title, question, cells }: Parsed<'saveNotebook'>) {
      const { nb } = load(b, id);
      const next = checked({ ...nb, title, question, cells });
      if (name !== undefined) {
        const other = nbStore.findNotebook(b.store, name);
        if (other !== undefined && other.id !== id) throw new ApiError(`a notebook named "${name}" exists already`, 'conflict');
      }
      nbStore.updateNotebook(b.store, id, next, name);
      return notebookView(b, id);
    },

    deleteNotebook({ id }: Parsed<'deleteNotebook'>) {
      return { deleted: nbStore.deleteNotebook(b.store, id) };
    },

    async runNotebook({ id, cells }: Parsed<'runNotebook'>) {
      const { nb } = load(b, id);
      if (cells !== undefined) for (const c of cells) if (!nb.cells.some((x) => x.id === c)) throw new ApiError(`notebook #${id} has no cell "${c}"`, 'not-found');
      const { notebook: next } = await runCells(b, nb, cells);
      nbStore.updateNotebook(b.store, id, next);
      return notebookView(b, id);
    },

    async importNotebook({ text, name }: Parsed<'importNotebook'>) {
      let file;
      try {
        file = parseNotebookFileText(text);
      } catch (e) {
        if (e instanceof NotebookError) throw new ApiError(e.message);
        throw e;
      }
      importRuns(b.store, file);
      return notebookView(b, nbStore.createNotebook(b.store, name ?? file.notebook.title, file.notebook));
    },

    exportNotebook({ id, runs, format }: Parsed<'exportNotebook'>): ExportedFile {
      const { name, nb } = load(b, id);
      if (format === 'ipynb') return { fileName: `${fileStem(name)}.ipynb`, mime: 'application/x-ipynb+json', encoding: 'utf8', data: notebookIpynb(b.store, name, nb) };
      return { fileName: `${fileStem(name)}.viommu-notebook.json`, mime: 'application/json', encoding: 'utf8', data: notebookFileText(b.store, nb, runs) };
    },

    async exportReport({ id, format }: Parsed<'exportReport'>): Promise<ExportedFile> {
      const { name, nb } = load(b, id);
      const html = await notebookReportHtml(b, name, nb);
      if (format === 'html') return { fileName: `${fileStem(name)}.html`, mime: 'text/html', encoding: 'utf8', data: html };
      if (printPdf === null) throw new ApiError('this host cannot print PDF (no Chromium engine available); export HTML and print it from a browser', 'internal');
      const pdf = await printPdf(html);
      return { fileName: `${fileStem(name)}.pdf`, mime: 'application/pdf', encoding: 'base64', data: Buffer.from(pdf).toString('base64') };
    },

    exportRuns({ query, ids, format }: Parsed<'exportRuns'>): ExportedFile {
      const rows = ids !== undefined ? ids.map((i) => b.store.getRun(i)).filter((r) => r !== undefined) : q.allRuns(b.store, query);
      if (rows.length === 0) throw new ApiError('no runs to export: select runs or an experiment first');
      const stem = fileStem(ids !== undefined ? `runs-${rows.length}` : (query.experiment ?? 'runs'));
      return format === 'csv'
        ? { fileName: `${stem}.csv`, mime: 'text/csv', encoding: 'utf8', data: runsCsv(b.store, rows) }
        : { fileName: `${stem}.json`, mime: 'application/json', encoding: 'utf8', data: runsJson(b.store, rows) };
    },
  };
}
