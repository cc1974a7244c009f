/**
 * The notebook document and its portable file: an ordered list of cells (markdown, experiment
 * script, chart query, metric table, text quoting a stored value), the state each cell was last
 * run with (its input key and execution count, an experiment's result hashes), and, in a file,
 * optionally the runs its cells read so it opens elsewhere without a re-run. Pure (zod only).
 */
import { z } from 'zod';

export const NOTEBOOK_FORMAT = 'viommu-lab-notebook';
export const NOTEBOOK_VERSION = 1;

const cellId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'a cell id: 1-40 letters, digits, _ or -');
const paramValue = z.union([z.string().max(200), z.number(), z.boolean()]);
/** Parameter filter of a chart, table or text cell: only the configurations whose point has these values. */
const filter = z.record(paramValue).default({});

export const CHART_KINDS = ['bar', 'line', 'cdf', 'series'] as const;

export const markdownCell = z.object({ id: cellId, type: z.literal('markdown'), source: z.string().max(200_000) }).strict();
export const experimentCell = z
  .object({
    id: cellId,
    type: z.literal('experiment'),
    /** Decides the language, as in the editor: *.ts or *.json. */
    file: z.string().min(1).max(200).regex(/\.(json|ts)$/, 'a script file name ends in .json or .ts'),
    source: z.string().max(2_000_000),
  })
  .strict();
export const chartCell = z
  .object({
    id: cellId,
    type: z.literal('chart'),
    /** The experiment cell whose runs it charts. */
    input: cellId,
    title: z.string().max(300).default(''),
    kind: z.enum(CHART_KINDS),
    metric: z.string().min(1).max(200),
    /** The sweep parameter on the x axis (line charts); empty: the first that varies. */
    x: z.string().max(200).default(''),
    log: z.boolean().default(false),
    filter,
  })
  .strict();
export const tableCell = z
  .object({
    id: cellId,
    type: z.literal('table'),
    input: cellId,
    title: z.string().max(300).default(''),
    /** Metric names; `prefix.*` takes every metric under a prefix. */
    metrics: z.array(z.string().min(1).max(200)).min(1).max(200),
    filter,
  })
  .strict();
export const textCell = z
  .object({
    id: cellId,
    type: z.literal('text'),
    input: cellId,
    /** Markdown in which `{{metric}}` or `{{metric | key=value, ...}}` quotes a stored value (mean ± CI, N). */
    source: z.string().max(200_000),
  })
  .strict();

export const cellSchema = z.discriminatedUnion('type', [markdownCell, experimentCell, chartCell, tableCell, textCell]);

export const cellStateSchema = z
  .object({
    /** The cell's input key when it last ran (its content and those of the cells it reads). */
    inputKey: z.string().max(100),
    /** The notebook's execution counter when it ran (execution order, as in Jupyter). */
    executionCount: z.number().int().min(1),
    /** Experiment cells: the experiment its runs are stored under. */
    experiment: z.string().max(200).optional(),
    /** Experiment cells: each run's configuration hash and the SHA-256 of its canonical result. */
    results: z.array(z.object({ configHash: z.string().max(100), resultHash: z.string().max(100) }).strict()).max(100_000).optional(),
    /** Experiment cells: how the last run's result hashes compare with the run before it. */
    reproduced: z.object({ same: z.number().int().min(0), of: z.number().int().min(0), engineVersion: z.string().max(50) }).strict().optional(),
    error: z.string().max(5000).optional(),
  })
  .strict();

export const notebookSchema = z
  .object({
    title: z.string().min(1).max(300),
    /** The question the notebook answers (shown under the title of its report). */
    question: z.string().max(5000).default(''),
    cells: z.array(cellSchema).max(500),
    state: z.record(cellStateSchema).default({}),
    executionCounter: z.number().int().min(0).default(0),
  })
  .strict()
  .superRefine((nb, ctx) => {
    const ids = new Set<string>();
    nb.cells.forEach((c, i) => {
      if (ids.has(c.id)) ctx.addIssue({ code: 'custom', path: ['cells', i, 'id'], message: `duplicate cell id "${c.id}"` });
      ids.add(c.id);
      if ('input' in c) {
        const src = nb.cells.slice(0, i).find((d) => d.id === c.input);
        if (src === undefined) ctx.addIssue({ code: 'custom', path: ['cells', i, 'input'], message: `"${c.input}" is not an experiment cell above this one` });
        else if (src.type !== 'experiment') ctx.addIssue({ code: 'custom', path: ['cells', i, 'input'], message: `"${c.input}" is a ${src.type} cell, not an experiment cell` });
      }
    });
  });

/** One stored run as it travels in a notebook file (the shape of `export json`). */
export const fileRunSchema = z
  .object({
    experiment: z.string().min(1).max(200),
    name: z.string().max(200),
    status: z.literal('done'),
    configHash: z.string().min(1).max(100),
    seed: z.number().int(),
    engineVersion: z.string().max(50),
    point: z.record(paramValue),
    replication: z.number().int().min(0),
    tags: z.array(z.string()).default([]),
    wallMs: z.number().nullable().default(null),
    spec: z.unknown(),
    profile: z.unknown(),
    result: z
      .object({
        engineVersion: z.string(),
        seed: z.number(),
        simTimeNs: z.number(),
        events: z.number(),
        scalars: z.record(z.number().nullable()),
        histograms: z.record(z.unknown()),
        series: z.record(z.unknown()),
        notes: z.array(z.string()),
      })
      .passthrough(),
  })
  .passthrough();

export const notebookFileSchema = z
  .object({
    format: z.literal(NOTEBOOK_FORMAT),
    version: z.literal(NOTEBOOK_VERSION),
    notebook: notebookSchema,
    /** Experiment name → its description and script source, as stored with the runs. */
    experiments: z.record(z.object({ description: z.string().nullable().default(null), source: z.string().nullable().default(null) }).strict()).default({}),
    runs: z.array(fileRunSchema).default([]),
  })
  .strict();

export type Cell = z.output<typeof cellSchema>;
export type CellInput = z.input<typeof cellSchema>;
export type CellType = Cell['type'];
export type CellState = z.output<typeof cellStateSchema>;
export type Notebook = z.output<typeof notebookSchema>;
export type NotebookInput = z.input<typeof notebookSchema>;
export type NotebookFile = z.output<typeof notebookFileSchema>;
export type FileRun = z.output<typeof fileRunSchema>;
export type ChartKind = (typeof CHART_KINDS)[number];

export class NotebookError extends Error {}

/** Parses a notebook document; throws NotebookError naming the first bad field's path. */
export function parseNotebook(raw: unknown, where = 'notebook'): Notebook {
  const r = notebookSchema.safeParse(raw);
  if (!r.success) throw new NotebookError(issueText(where, r.error));
  return r.data;
}

export function parseNotebookFile(raw: unknown, where = 'notebook file'): NotebookFile {
  if (raw !== null && typeof raw === 'object' && (raw as { format?: unknown }).format !== NOTEBOOK_FORMAT) {
    throw new NotebookError(`${where}: not a vIOMMU Lab notebook (expected "format": "${NOTEBOOK_FORMAT}")`);
  }
  const r = notebookFileSchema.safeParse(raw);
  if (!r.success) throw new NotebookError(issueText(where, r.error));
  return r.data;
}

function issueText(where: string, e: z.ZodError): string {
  const i = e.issues[0]!;
  const path = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
  return `${where}: ${path || '(document)'}: ${i.message}`;
}
