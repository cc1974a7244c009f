/**
 * Jobs: a run or a sweep submitted from the UI. The manager queues a job's runs, hands them to
 * the executor up to its capacity (mayHandOver: the pool holds a run queued behind each
 * running one, so a worker goes on to its next run without waiting for this thread), records
 * each in the store as it hands it over (running → done / failed / cancelled), and keeps a
 * versioned snapshot of progress (run k of n, events, ETA) that watchers long-poll; a run
 * queued on a worker shows as running once its worker starts it. Runs a cancel drops from the
 * manager's queue were never handed over and are not stored.
 */
import type { JobInfo, RunProgressInfo, WatchResult, ParamValue } from '../../common/api/types';
import type { Budgets } from '../../common/budget';
import type { LabStore } from '../../store/store';
import { beginPreparedRun, type PreparedRun } from '../pipeline/prepared';
import { hasIdleWorker, mayHandOver, type RunExecutor, type TaskHandle } from './pool';
import { monotonicMs } from '../wall-clock';

interface QueuedRun {
  index: number;
  run: PreparedRun;
}

interface RunningRun {
  index: number;
  runId: number;
  run: PreparedRun;
  handle: TaskHandle;
  progress: RunProgressInfo;
  /** Its worker runs it (false while it waits behind another run on its worker). */
  started: boolean;
}

interface Job {
  id: number;
  experiment: string;
  experimentId: number;
  total: number;
  queue: QueuedRun[];
  running: Map<number, RunningRun>;
  done: number;
  failed: number;
  cancelled: number;
  skipped: number;
  finishedEvents: number;
  cancelRequested: boolean;
  started: number;
  startedAt: string;
  finishedAt: number | null;
  lastError: string | null;
  runIds: number[];
  budgets?: Partial<Budgets>;
}

export interface JobManagerOptions {
  /** Finished jobs kept in the snapshot. */
  keepFinished?: number;
  now?: () => number;
}

export class JobManager {
  private readonly jobs: Job[] = [];
  private nextJob = 1;
  private version = 1;
  private waiters: (() => void)[] = [];
  private readonly keepFinished: number;
  private readonly now: () => number;

  constructor(
    private readonly store: LabStore,
    private readonly executor: RunExecutor,
    opts: JobManagerOptions = {},
  ) {
    this.keepFinished = opts.keepFinished ?? 8;
    this.now = opts.now ?? (() => monotonicMs());
  }

  get workers(): number {
    return this.executor.size;
  }

  /** Queues a job's runs; each runs under `budgets` (DEFAULT_BUDGETS where absent) and one that reaches a budget is stored as budget-exceeded. */
  start(experiment: string, runs: readonly PreparedRun[], description?: string, source?: string, budgets?: Partial<Budgets>): number {
    const experimentId = this.store.ensureExperiment(experiment, description, source);
    const job: Job = {
      id: this.nextJob++,
      experiment,
      experimentId,
      total: runs.length,
      queue: runs.map((run, index) => ({ index, run })),
      running: new Map(),
      done: 0,
      failed: 0,
      cancelled: 0,
      skipped: 0,
      finishedEvents: 0,
      cancelRequested: false,
      started: this.now(),
      startedAt: new Date().toISOString(),
      finishedAt: null,
      lastError: null,
      runIds: [],
      budgets,
    };
    this.jobs.push(job);
    this.pump();
    this.changed();
    return job.id;
  }

  /** Cancels a whole job, or one run of it by sweep index. Returns how many runs it stopped or dropped. */
  cancel(jobId: number, runIndex?: number): number {
    const job = this.jobs.find((j) => j.id === jobId);
    if (job === undefined || job.finishedAt !== null) return 0;
    let n = 0;
    if (runIndex === undefined) {
      job.cancelRequested = true;
      n += job.queue.length;
      job.skipped += job.queue.length;
      job.queue = [];
      for (const r of job.running.values()) {
        r.handle.cancel();
        n++;
      }
    } else {
      const q = job.queue.findIndex((r) => r.index === runIndex);
      if (q >= 0) {
        job.queue.splice(q, 1);
        job.skipped++;
        n++;
      }
      const r = job.running.get(runIndex);
      if (r) {
        r.handle.cancel();
        n++;
      }
    }
    this.finishIfIdle(job);
    this.changed();
    return n;
  }

  /** Forgets every finished job (their runs stay stored). Returns how many it forgot. */
  clearFinished(): number {
    const before = this.jobs.length;
    for (let i = this.jobs.length - 1; i >= 0; i--) if (this.jobs[i]!.finishedAt !== null) this.jobs.splice(i, 1);
    const n = before - this.jobs.length;
    if (n > 0) this.changed();
    return n;
  }

  snapshot(): WatchResult {
    return { version: this.version, jobs: this.jobs.map((j) => this.info(j)) };
  }

  /** Resolves with the snapshot as soon as its version passes `after`, or after `waitMs`. */
  async watch(after: number, waitMs: number): Promise<WatchResult> {
    if (this.version > after || waitMs === 0) return this.snapshot();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
    return this.snapshot();
  }

  /** True while any job has runs queued or running. */
  get busy(): boolean {
    return this.jobs.some((j) => j.finishedAt === null);
  }

  async close(): Promise<void> {
    for (const j of this.jobs) if (j.finishedAt === null) this.cancel(j.id);
    await this.executor.close();
    for (const w of this.waiters.splice(0)) w();
  }

  private inFlight(): number {
    return this.jobs.reduce((n, j) => n + j.running.size, 0);
  }

  /** Hands runs to the executor up to its limit, oldest job first. */
  private pump(): void {
    let waiting = this.jobs.reduce((n, j) => n + j.queue.length, 0);
    for (const job of this.jobs) {
      while (job.queue.length > 0 && mayHandOver(this.executor, this.inFlight(), waiting)) {
        const next = job.queue.shift()!;
        waiting--;
        this.launch(job, next);
      }
    }
  }

  private launch(job: Job, q: QueuedRun): void {
    const { run } = q;
    const runId = beginPreparedRun(this.store, job.experimentId, run);
    job.runIds.push(runId);
    const progress: RunProgressInfo = {
      index: q.index,
      runId,
      point: run.spec.point as Record<string, ParamValue>,
      replication: run.spec.replication,
      phase: 'boot',
      fraction: null,
      events: 0,
    };
    // A run handed to an idle worker starts at once; one queued behind another run starts when its
    // worker reports it (a first progress).
    const started = hasIdleWorker(this.executor, this.inFlight());
    const handle = this.executor.run(run.spec, run.profile, (p) => {
      const r = job.running.get(q.index);
      if (r !== undefined) r.started = true;
      progress.phase = p.phase;
      progress.events = p.events;
      progress.fraction = p.endNs !== null && p.endNs > 0 && p.phase === 'run' ? Math.min(1, Math.max(0, p.simNs / p.endNs)) : null;
      this.changed();
    }, job.budgets);
    job.running.set(q.index, { index: q.index, runId, run, handle, progress, started });
    void handle.outcome.then((o) => {
      job.running.delete(q.index);
      try {
        if (o.status === 'done') {
          this.store.finishRun(runId, o.result, o.wallMs);
          job.done++;
          job.finishedEvents += o.result.events;
        } else {
          this.store.endRun(runId, o.status, o.message, o.wallMs);
          // The events it processed before it stopped were still processed: the job keeps counting them.
          job.finishedEvents += progress.events;
          if (o.status === 'cancelled') job.cancelled++;
          else {
            job.failed++;
            job.lastError = o.message;
          }
        }
      } catch (e) {
        job.failed++;
        job.lastError = `storing run #${runId} failed: ${(e as Error).message}`;
      }
      this.finishIfIdle(job);
      this.pump();
      this.changed();
    });
  }

  private finishIfIdle(job: Job): void {
    if (job.finishedAt === null && job.queue.length === 0 && job.running.size === 0) {
      job.finishedAt = this.now();
      const finished = this.jobs.filter((j) => j.finishedAt !== null);
      for (const old of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.jobs.splice(this.jobs.indexOf(old), 1);
    }
  }

  private info(j: Job): JobInfo {
    const now = j.finishedAt ?? this.now();
    const elapsedMs = now - j.started;
    const running = [...j.running.values()].filter((r) => r.started).map((r) => ({ ...r.progress, point: { ...r.progress.point } })).sort((a, b) => a.index - b.index);
    const partial = running.reduce((s, r) => s + (r.fraction ?? 0), 0);
    const completed = j.done + j.failed + j.cancelled;
    const units = completed + partial;
    const remaining = j.total - j.skipped - units;
    const etaMs = j.finishedAt !== null ? 0 : units > 0 ? (remaining * elapsedMs) / units : null;
    const state: JobInfo['state'] = j.finishedAt === null ? 'running' : j.cancelRequested || (j.cancelled > 0 && j.done === 0) ? 'cancelled' : j.done === 0 && j.failed > 0 ? 'failed' : 'done';
    return {
      id: j.id,
      experiment: j.experiment,
      state,
      total: j.total,
      done: j.done,
      failed: j.failed,
      cancelled: j.cancelled,
      skipped: j.skipped,
      running,
      events: j.finishedEvents + running.reduce((s, r) => s + r.events, 0),
      startedAt: j.startedAt,
      elapsedMs,
      etaMs,
      workers: this.executor.size,
      lastError: j.lastError,
      runIds: [...j.runIds],
    };
  }

  private changed(): void {
    this.version++;
    for (const w of this.waiters.splice(0)) w();
  }
}
