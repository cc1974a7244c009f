/** Response types of the notebook, report and export operations. */
export type { CellView, NotebookView } from '../notebook/outputs';

export interface NotebookInfo {
  id: number;
  name: string;
  title: string;
  cells: number;
  updatedAt: string;
}

/** A file for the user to save: text, or base64 for binary formats (PDF). */
export interface ExportedFile {
  fileName: string;
  mime: string;
  encoding: 'utf8' | 'base64';
  data: string;
}
