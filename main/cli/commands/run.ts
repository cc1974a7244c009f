/** `viommu-lab run <script.ts|spec.json> [--db FILE] [--seed N] [--set key=value]… [--json] [--experiment NAME] [--timeout MS] [--metrics …]` */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { executeRuns, type ExecutedRun, type ExecuteOptions, type PreparedRun } from '../../api/runner';
import { executeRunsOn } from '../../api/pooled-runs';
import { WorkerPool } from '../../api/engine/pool';
import type { TopologyChecker } from '../../api/pipeline/checker';
import { inProcessChecker } from '../../api/pipeline/topology-check';
import { catalog } from '../../engine/catalog';
import { canonicalJson, type RunResult } from '../../common/result';
import { parseSetValue } from '../../common/spec/set-path';
import { openStore } from '../db';
import { parseShard, selectShard, ShardError } from '../../common/shard';
import { MAX_TIMEOUT_MS } from '../../script/evaluate';
import { CliError } from '../errors';
import { budgetOptions, parseBudgets } from '../budget-flags';
import type { Budgets } from '../../common/budget';
import type { CliIO } from '../io';
import { ProgressLine } from '../progress';
import { prepareFile } from '../source-file';
import { formatDiagnostic, PilotRefusedError } from '../../common/diagnostics';
import type { RunPilot } from '../../api/pipeline/pipeline';
import { formatNumber, table } from '../table';
import { sweepTable } from '../sweep-table';

import { runUsage } from '../usage';

export { runUsage };

export function parseSets(values: readonly string[] | undefined): [string, unknown][] {
  return (values ?? []).map((kv) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new CliError(`--set ${kv}: expected key=value`, 2);
    try {
      return [kv.slice(0, eq), parseSetValue(kv.slice(eq + 1))];
    } catch (e) {
      throw new CliError(`--set ${kv}: ${(e as Error).message}`, 2);
    }
  });
}

export function parseTimeout(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_TIMEOUT_MS) throw new CliError(`--timeout ${v}: expected a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`, 2);
  return n;
}

/** `--shard K/N`: keeps the K-th of N disjoint slices of the prepared runs (all of them without the option). */
export function parseShardOption(v: string | undefined): (runs: PreparedRun[]) => PreparedRun[] {
  if (v === undefined) return (runs) => runs;
  try {
    const shard = parseShard(v);
    return (runs) => selectShard(runs, shard);
  } catch (e) {
    if (e instanceof ShardError) throw new CliError(e.message, 2);
    throw e;
  }
}

/** `--jobs N`: engine workers for a sweep (default: the core count); 1 runs it serially on this thread. */
export function parseJobs(v: string | undefined): number {
  if (v === undefined) return availableParallelism();
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1 || n > 256) throw new CliError(`--jobs ${v}: expected a whole number of workers from 1 to 256`, 2);
  return n;
}

export function parseSeed(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new CliError(`--seed ${v}: expected a non-negative integer`, 2);
  return n;
}

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      seed: { type: 'string' },
      set: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      experiment: { type: 'string' },
      timeout: { type: 'string' },
      metrics: { type: 'string' },
      shard: { type: 'string' },
      jobs: { type: 'string' },
      ...budgetOptions,
    },
  });
  if (positionals.length !== 1) throw new CliError(`usage: ${runUsage}`, 2);
  const metrics = values.metrics?.split(',').map((m) => m.trim()).filter((m) => m.length > 0);
  const file = positionals[0]!;
  const seed = parseSeed(values.seed);
  const sets = parseSets(values.set);
  const shard = parseShardOption(values.shard);
  const jobs = parseJobs(values.jobs);
  const budgets = parseBudgets(values);
  // A sweep on engine workers has them from its work estimates on: its pilots run there in
  // parallel (and warm each worker's JIT for the runs) instead of one after another here.
  const workers: { pool?: WorkerPool } = {};
  const checker: TopologyChecker = {
    checkTopology: inProcessChecker.checkTopology,
    estimateWork: (specs, pilotEvents, maxBytes) =>
      jobs > 1 && specs.length > 1 && pilotEvents > 0 ? (workers.pool ??= new WorkerPool({ size: jobs })).estimateOnRunWorkers(specs, pilotEvents, maxBytes) : inProcessChecker.estimateWork!(specs, pilotEvents, maxBytes),
  };
  try {
    // A single run is its own work-estimate pilot (main/api/pipeline/run-pilot.ts): its first events are not run twice.
    const prepared = await prepareFile(file, { sets, seed, timeoutMs: parseTimeout(values.timeout), budgets, pilotInRun: true }, io, checker);
    const experiment = values.experiment ?? prepared.experiment;
    const runs = shard(prepared.runs);
    const pilot = runs.length === prepared.runs.length ? prepared.runPilot : undefined;
    return await execute(runs, { file, experiment, description: prepared.description, source: prepared.source, db: values.db, json: values.json, metrics, budgets, jobs, pilot, pool: workers.pool }, io);
  } finally {
    await workers.pool?.close();
  }
}

export interface ExecuteCliOptions {
  file: string;
  experiment: string;
  description?: string;
  source?: string;
  db?: string;
  json: boolean;
  /** Columns of the sweep table; `prefix.*` takes every metric under a prefix. */
  metrics?: string[];
  /** Each run's budgets (`--max-events`, `--max-wall`, `--max-memory`). */
  budgets?: Partial<Budgets>;
  /** Engine workers for a sweep; 1 (or a single run) runs on this thread. */
  jobs?: number;
  /** A single run's work-estimate pilot, made from the run itself (its refusal is this command's error). */
  pilot?: RunPilot;
  /** Engine workers already started (for the work estimates): a sweep runs on them; the caller closes them. */
  pool?: WorkerPool;
}

/**
 * A sweep on `jobs` > 1 goes to the engine worker pool (warm workers, reused from run to run);
 * a single run, or `--jobs 1`, runs here. The results, their order, run ids and output are the same.
 */
async function executeOn(store: Parameters<typeof executeRuns>[0], prepared: PreparedRun[], opts: ExecuteOptions, jobs: number, started?: WorkerPool): Promise<ExecutedRun[]> {
  if (jobs <= 1 || prepared.length <= 1) return executeRuns(store, prepared, opts);
  if (started !== undefined) return executeRunsOn(started, store, prepared, opts);
  const pool = new WorkerPool({ size: Math.min(jobs, prepared.length) });
  try {
    return await executeRunsOn(pool, store, prepared, opts);
  } finally {
    await pool.close();
  }
}

export async function execute(prepared: PreparedRun[], o: ExecuteCliOptions, io: CliIO): Promise<number> {
  const store = openStore(o.db);
  let cancelled = false;
  const onSigint = (): void => {
    cancelled = true;
  };
  process.on('SIGINT', onSigint);
  const progress = new ProgressLine(io);
  try {
    let label = '';
    const results = await executeOn(store, prepared, {
          experiment: o.experiment,
          description: o.description,
          source: o.source,
          onRunStart: (i, n, run, runId) => {
            label = n > 1 ? `run ${i + 1}/${n} (#${runId})` : `run #${runId}`;
            progress.restart();
            if (n > 1) io.err(`${label}: ${describePoint(run)}\n`);
          },
          onProgress: (_i, p) => progress.update(label, p),
          shouldCancel: () => cancelled,
          budgets: o.budgets,
          pilot: o.pilot,
        }, o.jobs ?? 1, o.pool).catch((e: unknown) => {
          // Refused at the pilot point: the diagnostics a separate pilot's refusal prints (source-file.ts).
          if (e instanceof PilotRefusedError) throw new CliError(e.diagnostics.map((d) => formatDiagnostic(o.file, d)).join('\n'));
          throw e;
        });
    progress.done();
    const done = results.filter((r) => r.status === 'done');
    if (o.json) {
      io.out(canonicalJson(jsonOutput(o, prepared, results), 2) + '\n');
    } else if (prepared.length === 1) {
      const r = results[0]!;
      if (r.result !== undefined) io.out(summary(prepared[0]!, r.runId, r.result));
    } else {
      io.out(sweepTable(results.map((r, i) => ({ runId: r.runId, spec: prepared[i]!.spec, result: r.result, status: r.status })), o.metrics));
    }
    for (const r of results) {
      if (r.status !== 'done' || r.spilled !== undefined) io.err(`run #${r.runId} ${r.spilled !== undefined ? 'not stored' : r.status}: ${r.error}\n`);
    }
    const stored = done.filter((r) => r.spilled === undefined).length;
    io.err(`stored ${stored} of ${prepared.length} run${prepared.length > 1 ? 's' : ''} in experiment "${o.experiment}" (${store.path})\n`);
    return stored === prepared.length ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    store.close();
  }
}

/**
 * What `run --json` prints, for one run or many: the experiment with its runs (in run order),
 * each with its identity, status and full result (null unless done). Documented in the README.
 */
export interface RunJsonOutput {
  experiment: string;
  description: string | null;
  file: string;
  runs: {
    runId: number;
    name: string;
    point: Record<string, unknown>;
    replication: number;
    seed: number;
    profile: string;
    configHash: string;
    status: ExecutedRun['status'];
    error: string | null;
    result: RunResult | null;
  }[];
}

function jsonOutput(o: ExecuteCliOptions, prepared: readonly PreparedRun[], results: readonly ExecutedRun[]): RunJsonOutput {
  return {
    experiment: o.experiment,
    description: o.description ?? null,
    file: o.file,
    runs: results.map((r, i) => {
      const { spec, profile, configHash } = prepared[i]!;
      return { runId: r.runId, name: spec.name, point: spec.point, replication: spec.replication, seed: spec.seed, profile: profile.id, configHash, status: r.status, error: r.error ?? null, result: r.result ?? null };
    }),
  };
}

function describePoint(run: PreparedRun): string {
  const p = Object.entries(run.spec.point).map(([k, v]) => `${k}=${String(v)}`);
  return [...p, `rep=${run.spec.replication}`, `seed=${run.spec.seed}`].join(' ');
}

function summary(run: PreparedRun, runId: number, r: RunResult): string {
  const rows = Object.entries(r.scalars).map(([name, v]) => [name, formatNumber(v), catalog.metrics.lookup(name)?.unit ?? '']);
  const head = `run #${runId}  ${run.spec.name}  seed ${run.spec.seed}  profile ${run.profile.id}  config ${run.configHash.slice(0, 12)}\n`;
  return head + table(['metric', 'value', 'unit'], rows, ['l', 'r', 'l']) + (r.notes.length ? `notes:\n${r.notes.map((n) => `  - ${n}`).join('\n')}\n` : '') + '\n';
}
