/** The API's response types: plain JSON, the same over IPC, loopback HTTP and in-process calls. */
import type { HistogramData, SeriesData } from '../result';
import type { MetricDef } from '../metrics/names';
import type { RunProvenance } from './provenance-types';
import type { RUN_STATUSES } from './schemas';

export type RunStatus = (typeof RUN_STATUSES)[number];
export type ParamValue = string | number | boolean;

export interface RunSummary {
  id: number;
  experiment: string;
  configHash: string;
  name: string;
  seed: number;
  point: Record<string, ParamValue>;
  replication: number;
  status: RunStatus;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  wallMs: number | null;
  simTimeNs: number | null;
  events: number | null;
  tags: string[];
}

export interface RunPage {
  rows: RunSummary[];
  /** Rows matching the query, before limit/offset. */
  total: number;
}

export interface ExperimentSummary {
  name: string;
  description: string | null;
  runs: number;
  done: number;
  /** The sweep parameters seen in its runs' points, with their distinct values. */
  params: Record<string, ParamValue[]>;
  createdAt: string;
}

export interface RunDetail {
  run: RunSummary;
  /** What identifies the run and what it was made of, beyond spec and profile. */
  provenance: RunProvenance;
  spec: unknown;
  profile: unknown;
  notes: string[];
  scalars: Record<string, number>;
}

export interface ExampleInfo {
  file: string;
  title: string;
  description: string;
  language: 'json' | 'ts';
  source: string;
}

export interface ScriptInfo {
  name: string;
  updatedAt: string;
  bytes: number;
}

export interface SavedScript {
  name: string;
  source: string;
  updatedAt: string;
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  kind: string;
  line: number;
  column: number;
  /** Where the offending text ends (exclusive column), when the checker knows its span. */
  endLine?: number;
  endColumn?: number;
  message: string;
}

export interface CheckResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** How many runs the script expands to, when it is valid. */
  runs: number;
  experiment: string | null;
}

export interface StartResult {
  ok: boolean;
  jobId: number | null;
  total: number;
  diagnostics: Diagnostic[];
}

export type JobState = 'running' | 'done' | 'cancelled' | 'failed';

export interface RunProgressInfo {
  index: number;
  runId: number;
  point: Record<string, ParamValue>;
  replication: number;
  phase: 'boot' | 'run';
  /** 0..1 within the measured phase, or null during boot. */
  fraction: number | null;
  events: number;
}

export interface JobInfo {
  id: number;
  experiment: string;
  state: JobState;
  total: number;
  done: number;
  failed: number;
  cancelled: number;
  /** Runs dropped from the queue by a cancel before they started (never stored). */
  skipped: number;
  running: RunProgressInfo[];
  events: number;
  startedAt: string;
  elapsedMs: number;
  /** Estimated wall time left, once at least one run has finished or progressed. */
  etaMs: number | null;
  workers: number;
  lastError: string | null;
  /** The stored runs of the job so far (started ones; runs a cancel dropped were never stored). */
  runIds: number[];
}

export interface WatchResult {
  version: number;
  jobs: JobInfo[];
}

export interface MetricStat {
  mean: number;
  /** Half-width of the 95 % confidence interval of the mean (Student t); null when N < 2. */
  ci95: number | null;
  n: number;
  min: number;
  max: number;
}

/** One configuration: an experiment and a parameter point; its replications are its N. */
export interface ConfigGroup {
  key: string;
  experiment: string;
  point: Record<string, ParamValue>;
  label: string;
  runIds: number[];
}

export interface CompareResult {
  groups: ConfigGroup[];
  /** Sweep parameters that vary across the groups. */
  params: string[];
  metrics: { name: string; unit: string; doc: string; stats: (MetricStat | null)[] }[];
}

export interface DistributionResult {
  metric: string;
  unit: string;
  groups: { group: ConfigGroup; count: number; points: { value: number; q: number }[] }[];
}

export interface SeriesResult {
  metric: string;
  unit: string;
  /** One entry per run: every replication of every configuration. */
  groups: { group: ConfigGroup; runId: number; replication: number; data: SeriesData }[];
}

export interface DiffEntry {
  path: string;
  a: unknown;
  b: unknown;
  same: boolean;
}

export interface DiffResult {
  a: RunSummary;
  b: RunSummary;
  spec: DiffEntry[];
  metrics: { name: string; unit: string; a: number | null; b: number | null; delta: number | null; relative: number | null; same: boolean }[];
}

export interface AppInfo {
  version: string;
  engineVersion: string;
  dbPath: string;
  workers: number;
  /** The DSL's declarations for the editor, or null when resources/viommu-lab.d.ts is absent. */
  dsl: string | null;
  /** Every declared metric (core and registered models): names, kinds, units, meanings. */
  metrics: MetricDef[];
  /** The deadline of a script evaluated by the workbench, and the CLI's default (its --timeout). */
  scriptTimeoutMs: number;
  cliScriptTimeoutMs: number;
}

export type { HistogramData, SeriesData };
