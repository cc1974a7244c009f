/**
 * The one typed API of the workbench: every operation the UI needs, defined once. Each host
 * (Electron IPC through the preload, the loopback browser host, in-process callers) exposes
 * exactly these operations — one function each, never a generic invoke — and validates each
 * payload with the operation's schema before calling the service.
 */
import type { z } from 'zod';
import * as s from './schemas';
import * as ns from './notebook-schemas';
import type * as nt from './notebook-types';
import type * as pt from './provenance-types';
import type * as t from './types';

/** Operation name → payload schema. The order is the order the preload exposes them in. */
export const operations = {
  appInfo: s.emptySchema,
  listExperiments: s.emptySchema,
  listRuns: s.listRunsSchema,
  getRun: s.runIdSchema,
  deleteRuns: s.runIdsSchema,
  tagRuns: s.tagRunsSchema,
  renameRun: s.renameRunSchema,
  listExamples: s.emptySchema,
  listScripts: s.emptySchema,
  loadScript: s.scriptNameSchema,
  saveScript: s.saveScriptSchema,
  deleteScript: s.scriptNameSchema,
  checkScript: s.scriptSourceSchema,
  start: s.startSchema,
  cancel: s.cancelSchema,
  watch: s.watchSchema,
  clearJobs: s.emptySchema,
  compare: s.compareSchema,
  distribution: s.metricQuerySchema,
  series: s.metricQuerySchema,
  diffRuns: s.diffSchema,
  listNotebooks: s.emptySchema,
  createNotebook: ns.createNotebookSchema,
  getNotebook: ns.notebookIdSchema,
  saveNotebook: ns.saveNotebookSchema,
  deleteNotebook: ns.notebookIdSchema,
  runNotebook: ns.runNotebookSchema,
  importNotebook: ns.importNotebookSchema,
  exportNotebook: ns.exportNotebookSchema,
  exportReport: ns.exportReportSchema,
  exportRuns: ns.exportRunsSchema,
  listProfiles: s.emptySchema,
} as const;

export type OperationName = keyof typeof operations;
export const OPERATION_NAMES = Object.keys(operations) as OperationName[];

/** What each operation returns. */
export interface Results {
  appInfo: t.AppInfo;
  listExperiments: t.ExperimentSummary[];
  listRuns: t.RunPage;
  getRun: t.RunDetail;
  deleteRuns: { deleted: number };
  tagRuns: { updated: number };
  renameRun: { ok: true };
  listExamples: t.ExampleInfo[];
  listScripts: t.ScriptInfo[];
  loadScript: t.SavedScript;
  saveScript: t.ScriptInfo;
  deleteScript: { deleted: boolean };
  checkScript: t.CheckResult;
  start: t.StartResult;
  cancel: { cancelled: number };
  watch: t.WatchResult;
  clearJobs: { cleared: number };
  compare: t.CompareResult;
  distribution: t.DistributionResult;
  series: t.SeriesResult;
  diffRuns: t.DiffResult;
  listNotebooks: nt.NotebookInfo[];
  createNotebook: nt.NotebookView;
  getNotebook: nt.NotebookView;
  saveNotebook: nt.NotebookView;
  deleteNotebook: { deleted: boolean };
  runNotebook: nt.NotebookView;
  importNotebook: nt.NotebookView;
  exportNotebook: nt.ExportedFile;
  exportReport: nt.ExportedFile;
  exportRuns: nt.ExportedFile;
  listProfiles: pt.ProfileInfo[];
}

/** The payload a caller may send (defaults not yet applied). */
export type Payload<K extends OperationName> = z.input<(typeof operations)[K]>;
/** The payload after validation (defaults applied). */
export type Parsed<K extends OperationName> = z.output<(typeof operations)[K]>;

/** The client-side view: what the renderer calls. */
export type LabApi = { [K in OperationName]: (payload: Payload<K>) => Promise<Results[K]> };
/** The service-side view: what the implementation receives (validated). */
export type LabService = { [K in OperationName]: (payload: Parsed<K>) => Promise<Results[K]> | Results[K] };

/** A refused payload or a request the service cannot honour; its message is shown to the user as is. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid' | 'not-found' | 'conflict' | 'internal' = 'invalid',
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isOperation(name: string): name is OperationName {
  return Object.prototype.hasOwnProperty.call(operations, name);
}

/** Validates a payload for an operation; throws ApiError naming the offending field. */
export function parsePayload<K extends OperationName>(op: K, payload: unknown): Parsed<K> {
  const r = operations[op].safeParse(payload ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    const where = i.path.length ? i.path.join('.') : 'payload';
    throw new ApiError(`${op}: ${where}: ${i.message}`);
  }
  return r.data as Parsed<K>;
}

/** Validates and calls one operation: the single entry every host goes through. */
export async function dispatch<K extends OperationName>(service: LabService, op: K, payload: unknown): Promise<Results[K]> {
  const parsed = parsePayload(op, payload);
  return (await (service[op] as (p: Parsed<K>) => Promise<Results[K]> | Results[K])(parsed)) as Results[K];
}

/** The channel name an operation travels on over Electron IPC. */
export const ipcChannel = (op: OperationName): string => `lab:${op}`;
