/** A notebook's report: its cell views and provenance, as self-contained HTML (the PDF prints this). */
import type { Notebook } from '../../common/notebook/schema';
import { reportHtml } from '../../common/report/report-html';
import type { NotebookBackend } from './backend';
import { provenanceOf } from './provenance';
import { cellViews } from './views';

export async function notebookReportHtml(b: NotebookBackend, name: string, nb: Notebook): Promise<string> {
  const cells = await cellViews(b, nb);
  return reportHtml({ title: nb.title, question: nb.question, subject: `notebook “${name}”`, cells, provenance: provenanceOf(b, nb) });
}

/** A file name from a notebook name: letters, digits, dots and dashes. */
export function fileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'notebook';
}
