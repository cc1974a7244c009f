/** Payload schemas of the notebook, report and export operations. */
import { z } from 'zod';
import { cellSchema } from '../notebook/schema';
import { runQuerySchema } from './schemas';

const id = z.number().int().positive();
const name = z.string().trim().min(1).max(200);

export const notebookIdSchema = z.object({ id }).strict();
export const createNotebookSchema = z
  .object({ name, title: z.string().min(1).max(300).optional(), question: z.string().max(5000).default(''), cells: z.array(cellSchema).max(500).default([]) })
  .strict();
/** The editable part of a notebook; its recorded state stays the service's (a client cannot mark a cell as run). */
export const saveNotebookSchema = z
  .object({ id, name: name.optional(), title: z.string().min(1).max(300), question: z.string().max(5000), cells: z.array(cellSchema).max(500) })
  .strict();
export const runNotebookSchema = z.object({ id, cells: z.array(z.string().max(40)).max(500).optional() }).strict();
export const importNotebookSchema = z.object({ text: z.string().min(2).max(50_000_000), name: name.optional() }).strict();
/** `notebook`: the portable notebook file; `ipynb`: a Jupyter notebook whose code cells load the runs' CSV. */
export const exportNotebookSchema = z.object({ id, runs: z.boolean().default(true), format: z.enum(['notebook', 'ipynb']).default('notebook') }).strict();
export const exportReportSchema = z.object({ id, format: z.enum(['html', 'pdf']) }).strict();
export const exportRunsSchema = z
  .object({ query: runQuerySchema.default({}), ids: z.array(id).max(20_000).optional(), format: z.enum(['csv', 'json']) })
  .strict();
