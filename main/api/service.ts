/**
 * The API service: the one implementation of every workbench operation (main/common/api),
 * used by the Electron shell, the browser host and tests. Payloads arrive already validated by
 * `dispatch`; this layer turns them into store queries, jobs on the engine host, and
 * comparisons computed from stored results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type LabService, type Parsed } from '../common/api/contract';
import type * as t from '../common/api/types';
import { catalog } from '../engine/catalog';
import type { HistogramData, SeriesData } from '../common/result';
import { ENGINE_VERSION } from '../common/result';
import { summarize } from '../common/stats';
import { quantileOf } from '../common/histogram';
import { DEFAULT_SCRIPT_TIMEOUT_MS, evaluateScript } from '../script/api';
import * as q from '../store/run-queries';
import * as scripts from '../store/scripts';
import type { LabStore } from '../store/store';
import { JobManager } from './engine/jobs';
import type { RunExecutor } from './engine/pool';
import { listExamples } from './examples';
import { groupRuns } from './groups';
import { resourcesDir } from './resources';
import { prepareSource, type Evaluate } from './pipeline/pipeline';
import type { PositionedDiagnostic } from '../common/diagnostics';
import { diffValues } from './diff';
import { jobBackend } from './notebook/job-backend';
import { notebookOperations, type PdfPrinter } from './notebook/operations';
import { resultHash, specHash } from './notebook/hashes';
import { listProfiles } from './profile-browser';

export interface ServiceOptions {
  store: LabStore;
  /** Runs and topology checks: both build machines, so both happen in the engine host, never here. */
  executor: RunExecutor;
  evaluate?: Evaluate;
  resources?: string;
  appVersion?: string;
  /** Prints a report's HTML to PDF with the host's Chromium engine; null: this host cannot. */
  printPdf?: PdfPrinter | null;
}

/** A script in the editor may take longer than the CLI's default: a large sweep expands in the sandbox. */
/** The workbench gives scripts 10 s (editing is interactive; a slow first check should not fail); the CLI defaults to 0.5 s. The status bar says both. */
const SCRIPT_TIMEOUT_MS = 10_000;

export interface LabServiceHandle extends LabService {
  readonly jobs: JobManager;
  close(): Promise<void>;
}

export function createLabService(opts: ServiceOptions): LabServiceHandle {
  const { store } = opts;
  const evaluate = opts.evaluate ?? evaluateScript;
  const resources = opts.resources ?? resourcesDir();
  const jobs = new JobManager(store, opts.executor);

  const summary = (r: q.QueriedRun): t.RunSummary => ({
    id: r.id,
    experiment: r.experiment,
    configHash: r.configHash,
    name: r.name,
    seed: r.seed,
    point: r.point as Record<string, t.ParamValue>,
    replication: r.replication,
    status: r.status,
    error: r.error,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    wallMs: r.wallMs,
    simTimeNs: r.simTimeNs,
    events: r.events,
    tags: r.tags,
  });

  const mustRun = (id: number): q.QueriedRun => {
    const r = store.getRun(id);
    if (r === undefined) throw new ApiError(`no run #${id}`, 'not-found');
    return r;
  };

  /** The run pipeline with the engine host as its topology checker. */
  const prepare = (file: string, source: string) => prepareSource({ file, source, timeoutMs: SCRIPT_TIMEOUT_MS }, { evaluate, checker: opts.executor });
  const markers = (list: readonly PositionedDiagnostic[]): t.Diagnostic[] =>
    list.map((d) => ({ severity: 'error', kind: d.kind, line: d.line, column: d.column, ...(d.endLine !== undefined && d.endColumn !== undefined ? { endLine: d.endLine, endColumn: d.endColumn } : {}), message: d.message }));
  const doneRuns = (query: Parsed<'compare'>['query']): q.QueriedRun[] => q.allRuns(store, { ...query, status: 'done' });

  const base = {
    jobs,
    close: () => jobs.close(),

    async appInfo() {
      const dslFile = join(resources, 'viommu-lab.d.ts');
      return {
        version: opts.appVersion ?? ENGINE_VERSION,
        engineVersion: ENGINE_VERSION,
        dbPath: store.path,
        workers: jobs.workers,
        dsl: existsSync(dslFile) ? readFileSync(dslFile, 'utf8') : null,
        metrics: [...catalog.metrics.all()],
        scriptTimeoutMs: SCRIPT_TIMEOUT_MS,
        cliScriptTimeoutMs: DEFAULT_SCRIPT_TIMEOUT_MS,
      };
    },

    listExperiments() {
      return q.listExperiments(store).map((e) => {
        const params: Record<string, t.ParamValue[]> = {};
        for (const pj of e.points) {
          for (const [k, v] of Object.entries(JSON.parse(pj) as Record<string, t.ParamValue>)) {
            const vals = (params[k] ??= []);
            if (!vals.includes(v)) vals.push(v);
          }
        }
        for (const vals of Object.values(params)) vals.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
        return { name: e.name, description: e.description, runs: e.runs, done: e.done, params, createdAt: e.createdAt };
      });
    },

    listRuns(p) {
      const page = q.queryRuns(store, p.query, p.sort, p.limit, p.offset);
      return { rows: page.rows.map(summary), total: page.total };
    },

    getRun({ id }) {
      const run = mustRun(id);
      const spec = store.getSpec(id)!;
      const provenance = {
        engineVersion: run.engineVersion,
        configHash: run.configHash,
        specHash: specHash(spec.spec),
        resultHash: resultHash(store, id),
        source: q.experimentOf(store, id)?.source ?? null,
      };
      return { run: summary(run), provenance, spec: spec.spec, profile: spec.profile, notes: q.runNotes(store, id), scalars: store.scalars([id]).get(id) ?? {} };
    },

    deleteRuns({ ids }) {
      return { deleted: q.deleteRuns(store, ids) };
    },

    tagRuns({ ids, add, remove }) {
      return { updated: q.tagRuns(store, ids, add, remove) };
    },

    renameRun({ id, name }) {
      if (!q.renameRun(store, id, name)) throw new ApiError(`no run #${id}`, 'not-found');
      return { ok: true as const };
    },

    listExamples() {
      return listExamples(join(resources, 'examples'));
    },

    listScripts() {
      return scripts.listScripts(store);
    },

    loadScript({ name }) {
      const s = scripts.loadScript(store, name);
      if (s === undefined) throw new ApiError(`no saved script "${name}"`, 'not-found');
      return s;
    },

    saveScript({ name, source }) {
      const s = scripts.saveScript(store, name, source);
      return { name: s.name, updatedAt: s.updatedAt, bytes: Buffer.byteLength(source) };
    },

    deleteScript({ name }) {
      return { deleted: scripts.deleteScript(store, name) };
    },

    async checkScript({ file, source }) {
      const o = await prepare(file, source);
      if (!o.ok) return { ok: false, diagnostics: markers(o.diagnostics), runs: 0, experiment: null };
      return { ok: true, diagnostics: [], runs: o.runs.length, experiment: o.experiment };
    },

    async start({ file, source, experiment }) {
      const o = await prepare(file, source);
      if (!o.ok) return { ok: false, jobId: null, total: 0, diagnostics: markers(o.diagnostics) };
      const jobId = jobs.start(experiment ?? o.experiment, o.runs, o.description, source);
      return { ok: true, jobId, total: o.runs.length, diagnostics: [] };
    },

    cancel({ jobId, runIndex }) {
      return { cancelled: jobs.cancel(jobId, runIndex) };
    },

    watch({ after, waitMs }) {
      return jobs.watch(after, waitMs);
    },

    clearJobs() {
      return { cleared: jobs.clearFinished() };
    },

    compare({ query, metrics }) {
      const runs = doneRuns(query);
      const { groups, params } = groupRuns(runs);
      const scalars = store.scalars(runs.map((r) => r.id));
      const names = metrics ?? [...new Set(runs.flatMap((r) => Object.keys(scalars.get(r.id) ?? {})))].sort();
      return {
        groups,
        params,
        metrics: names.map((name) => {
          const def = catalog.metrics.lookup(name);
          return {
            name,
            unit: def?.unit ?? '',
            doc: def?.doc ?? '',
            stats: groups.map((g) => summarize(g.runIds.map((id) => scalars.get(id)?.[name] ?? NaN))),
          };
        }),
      };
    },

    distribution({ query, metric }) {
      const runs = doneRuns(query);
      const { groups } = groupRuns(runs);
      const hist = q.histogramsOf(store, runs.map((r) => r.id), metric);
      return {
        metric,
        unit: catalog.metrics.lookup(metric)?.unit ?? '',
        groups: groups.flatMap((group) => {
          const merged = mergeHistograms(group.runIds.map((id) => hist.get(id)).filter((h): h is string => h !== undefined).map((h) => JSON.parse(h) as HistogramData));
          if (merged === null || merged.count === 0) return [];
          const points: { value: number; q: number }[] = [];
          for (let i = 0; i <= 200; i++) points.push({ q: i / 200, value: quantileOf(merged, i / 200) });
          return [{ group, count: merged.count, points }];
        }),
      };
    },

    series({ query, metric }) {
      const { groups } = groupRuns(doneRuns(query));
      return {
        metric,
        unit: catalog.metrics.lookup(metric)?.unit ?? '',
        // Every replication: each is an independent realisation, and the chart shows their spread.
        groups: groups.flatMap((group) =>
          group.runIds.flatMap((runId, replication) => {
            const data = q.seriesOf(store, runId, metric);
            return data === undefined ? [] : [{ group, runId, replication: store.getRun(runId)?.replication ?? replication, data: JSON.parse(data) as SeriesData }];
          }),
        ),
      };
    },

    listProfiles() {
      return listProfiles();
    },

    diffRuns({ a, b }) {
      const ra = mustRun(a);
      const rb = mustRun(b);
      const sa = store.getSpec(a)!.spec;
      const sb = store.getSpec(b)!.spec;
      const sc = store.scalars([a, b]);
      const ma = sc.get(a) ?? {};
      const mb = sc.get(b) ?? {};
      const names = [...new Set([...Object.keys(ma), ...Object.keys(mb)])].sort();
      return {
        a: summary(ra),
        b: summary(rb),
        spec: diffValues(sa, sb),
        metrics: names.map((name) => {
          const va = ma[name] ?? null;
          const vb = mb[name] ?? null;
          const delta = va !== null && vb !== null ? vb - va : null;
          return {
            name,
            unit: catalog.metrics.lookup(name)?.unit ?? '',
            a: va,
            b: vb,
            delta,
            relative: delta !== null && va !== null && va !== 0 ? delta / Math.abs(va) : null,
            same: va === vb,
          };
        }),
      };
    },
  } satisfies Omit<LabServiceHandle, keyof ReturnType<typeof notebookOperations>>;
  const backend = jobBackend(store, jobs, prepare, base, opts.appVersion ?? ENGINE_VERSION);
  return { ...base, ...notebookOperations(backend, opts.printPdf ?? null) };
}

/** Sums histograms of replications (same α, so buckets align) into one distribution. */
export function mergeHistograms(list: readonly HistogramData[]): HistogramData | null {
  if (list.length === 0) return null;
  const alpha = list[0]!.alpha;
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  let zeros = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const h of list) {
    if (h.alpha !== alpha) throw new ApiError('histograms with different accuracies cannot be merged');
    if (h.count === 0) continue;
    count += h.count;
    sum += h.sum;
    zeros += h.zeros;
    min = Math.min(min, h.min);
    max = Math.max(max, h.max);
    for (const [i, n] of h.buckets) buckets.set(i, (buckets.get(i) ?? 0) + n);
  }
  return { alpha, count, sum, zeros, min: count ? min : 0, max: count ? max : 0, buckets: [...buckets.entries()].sort((x, y) => x[0] - y[0]) };
}
