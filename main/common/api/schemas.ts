/**
 * The API's payload schemas: every request the renderer (or any host) sends is parsed by one of
 * these at the service boundary, so a malformed or hostile payload is refused with one clear
 * error before it reaches the store or the engine.
 */
import { z } from 'zod';

export const RUN_STATUSES = ['running', 'done', 'failed', 'cancelled', 'interrupted', 'budget-exceeded'] as const;
export const RUN_SORT_KEYS = ['id', 'name', 'experiment', 'status', 'createdAt', 'wallMs', 'events', 'replication'] as const;

const id = z.number().int().positive();
const shortText = z.string().max(200);
const paramValue = z.union([z.string().max(200), z.number(), z.boolean()]);

/** Selects runs by what they are, never by row id, so a re-run experiment refreshes every view built on it. */
export const runQuerySchema = z
  .object({
    experiment: shortText.optional(),
    status: z.enum(RUN_STATUSES).optional(),
    tag: shortText.optional(),
    /** Parameter filters: every listed parameter must equal the value. */
    params: z.record(paramValue).optional(),
    /** Any of these parameter points (exact match on the listed keys). */
    points: z.array(z.record(paramValue)).max(1000).optional(),
    /** Case-insensitive substring of the run's name or experiment. */
    search: shortText.optional(),
    /** Only runs with one of these configuration hashes (a notebook cell's runs). */
    configs: z.array(z.string().min(1).max(100)).max(20_000).optional(),
    /** Only these runs (a job's runs, from the jobs panel). */
    ids: z.array(id).max(10_000).optional(),
  })
  .strict();

export const listRunsSchema = z
  .object({
    query: runQuerySchema.default({}),
    sort: z.object({ key: z.enum(RUN_SORT_KEYS), dir: z.enum(['asc', 'desc']) }).strict().default({ key: 'id', dir: 'desc' }),
    limit: z.number().int().min(1).max(5000).default(200),
    offset: z.number().int().min(0).default(0),
  })
  .strict();

export const emptySchema = z.object({}).strict().default({});
export const runIdSchema = z.object({ id }).strict();
export const runIdsSchema = z.object({ ids: z.array(id).min(1).max(10_000) }).strict();

export const sourceKinds = ['json', 'ts'] as const;
export const scriptSourceSchema = z
  .object({
    /** A display name that also decides the language: *.json or *.ts. */
    file: z.string().min(1).max(200).regex(/\.(json|ts)$/, 'a script file name ends in .json or .ts'),
    source: z.string().max(2_000_000),
  })
  .strict();

export const startSchema = scriptSourceSchema
  .extend({ experiment: shortText.min(1).optional() })
  .strict();

export const cancelSchema = z
  .object({
    jobId: id,
    /** Cancel only this run of the job (its index in the sweep); omitted: the whole job. */
    runIndex: z.number().int().min(0).optional(),
  })
  .strict();

export const watchSchema = z
  .object({
    /** The last version the caller has seen; the call returns as soon as a newer one exists. */
    after: z.number().int().min(0).default(0),
    waitMs: z.number().int().min(0).max(30_000).default(10_000),
  })
  .strict();

export const scriptNameSchema = z.object({ name: z.string().min(1).max(200) }).strict();
export const saveScriptSchema = z.object({ name: z.string().min(1).max(200), source: z.string().max(2_000_000) }).strict();

export const tagRunsSchema = z
  .object({ ids: z.array(id).min(1).max(10_000), add: z.array(z.string().min(1).max(64)).default([]), remove: z.array(z.string().min(1).max(64)).default([]) })
  .strict();
export const renameRunSchema = z.object({ id, name: z.string().trim().min(1).max(200) }).strict();

export const compareSchema = z
  .object({
    query: runQuerySchema,
    /** Metrics to summarise; omitted: every scalar the runs have. */
    metrics: z.array(z.string().max(200)).max(500).optional(),
  })
  .strict();

export const metricQuerySchema = z.object({ query: runQuerySchema, metric: z.string().min(1).max(200) }).strict();
export const diffSchema = z.object({ a: id, b: id }).strict();

export type RunQuery = z.infer<typeof runQuerySchema>;
export type ListRunsRequest = z.input<typeof listRunsSchema>;
export type StartRequest = z.infer<typeof startSchema>;
export type CancelRequest = z.infer<typeof cancelSchema>;
export type WatchRequest = z.input<typeof watchSchema>;
export type TagRunsRequest = z.input<typeof tagRunsSchema>;
export type CompareRequest = z.infer<typeof compareSchema>;
export type MetricQueryRequest = z.infer<typeof metricQuerySchema>;
export type ScriptSource = z.infer<typeof scriptSourceSchema>;
