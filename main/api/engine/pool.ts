/**
 * A pool of engine worker threads sized to the machine's cores. Each task runs on one worker;
 * cancel raises that worker's shared flag, and a worker that does not stop within the grace
 * period (or dies) is terminated and replaced, its task reported as cancelled or failed.
 * One more worker, started on the first check, does the run pipeline's topology checks (they
 * build machines, which the host thread never does), so a check never waits behind a sweep.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { unpackedPath } from '../../common/asar';
import { formatBudgetFigure, resolveBudgets, type Budgets, type WorkEstimate } from '../../common/budget';
import type { ResolvedProfile } from '../../common/profile/profile';
import type { RunResult } from '../../common/result';
import type { Spec } from '../../common/spec';
import type { TopologyChecker, TopologyIssue } from '../pipeline/checker';
import type { CheckTask, EstimateTask, RunTask, WorkerMessage } from './protocol';

export interface TaskProgress {
  phase: 'boot' | 'run';
  simNs: number;
  endNs: number | null;
  events: number;
}

export type TaskOutcome =
  | { status: 'done'; result: RunResult; wallMs: number }
  | { status: 'failed' | 'cancelled' | 'budget-exceeded'; message: string; wallMs: number };

export interface TaskHandle {
  readonly outcome: Promise<TaskOutcome>;
  cancel(): void;
}

/** What the job manager and the service need from an executor; the worker pool is the real one, tests use fakes. */
export interface RunExecutor extends TopologyChecker {
  readonly size: number;
  /** Starts a task now; the caller never has more than `size` in flight. Budgets default to DEFAULT_BUDGETS. */
  run(spec: Spec, profile: ResolvedProfile, onProgress: (p: TaskProgress) => void, budgets?: Partial<Budgets>): TaskHandle;
  close(): Promise<void>;
}

export interface PoolOptions {
  size?: number;
  /** The worker's entry: the bundled .cjs next to this module, or the source through worker-dev.mjs. */
  workerFile?: string;
  /** How long a cancelled run may take to notice before its worker is terminated. */
  cancelGraceMs?: number;
  /** V8 limits of each run worker (default: V8's own, from the machine's memory); a run that reaches them ends as budget-exceeded. */
  resourceLimits?: ResourceLimits;
}

function defaultWorkerFile(): { file: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, 'engine-worker.cjs');
  // Packaged: the worker is unpacked next to the asar (worker_threads needs a real file).
  if (existsSync(bundled)) return { file: unpackedPath(bundled), execArgv: [] };
  return { file: join(here, 'worker-dev.mjs'), execArgv: [] };
}

interface Slot {
  worker: Worker;
  cancel: Int32Array;
  busy: Active | null;
  /** Work estimates asked of this run worker (estimateOnRunWorkers); it takes no run meanwhile. */
  asks: Map<number, Ask>;
}

interface Ask {
  resolve: (estimates: WorkEstimate[]) => void;
  reject: (e: Error) => void;
}

interface Active {
  taskId: number;
  onProgress: (p: TaskProgress) => void;
  resolve: (o: TaskOutcome) => void;
  started: number;
  cancelTimer: NodeJS.Timeout | null;
  cancelled: boolean;
  budgets?: Budgets;
}

interface Checker {
  worker: Worker;
  pending: Map<number, { resolve: (answer: never) => void; reject: (e: Error) => void }>;
}

export class WorkerPool implements RunExecutor {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private checker: Checker | null = null;
  private readonly entry: { file: string; execArgv: string[] };
  private readonly cancelGraceMs: number;
  private readonly resourceLimits: ResourceLimits | undefined;
  private nextTask = 1;
  private closed = false;

  constructor(opts: PoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
    this.entry = opts.workerFile ? { file: opts.workerFile, execArgv: [] } : defaultWorkerFile();
    this.cancelGraceMs = opts.cancelGraceMs ?? 800;
    this.resourceLimits = opts.resourceLimits;
  }

  run(spec: Spec, profile: ResolvedProfile, onProgress: (p: TaskProgress) => void, budgets?: Partial<Budgets>): TaskHandle {
    if (this.closed) throw new Error('the engine pool is closed');
    const slot = this.idleSlot();
    Atomics.store(slot.cancel, 0, 0);
    const taskId = this.nextTask++;
    let resolve!: (o: TaskOutcome) => void;
    const outcome = new Promise<TaskOutcome>((r) => (resolve = r));
    const active: Active = { taskId, onProgress, resolve, started: performance.now(), cancelTimer: null, cancelled: false };
    slot.busy = active;
    const resolved = resolveBudgets(budgets);
    active.budgets = resolved;
    const task: RunTask = { type: 'run', taskId, spec, profile, budgets: resolved };
    slot.worker.postMessage(task);
    return {
      outcome,
      cancel: () => {
        if (slot.busy !== active || active.cancelled) return;
        active.cancelled = true;
        Atomics.store(slot.cancel, 0, 1);
        active.cancelTimer = setTimeout(() => {
          if (slot.busy !== active) return;
          this.replace(slot, { status: 'cancelled', message: 'run cancelled (the engine worker was stopped)', wallMs: performance.now() - active.started });
        }, this.cancelGraceMs);
      },
    };
  }

  checkTopology(runs: readonly { spec: Spec; profile: ResolvedProfile }[]): Promise<(TopologyIssue | null)[]> {
    if (this.closed) return Promise.reject(new Error('the engine pool is closed'));
    if (runs.length === 0) return Promise.resolve([]);
    const task: CheckTask = { type: 'check', taskId: this.nextTask++, runs: [...runs] };
    return this.ask<(TopologyIssue | null)[]>(task);
  }

  /** The pipeline's work estimates, in the checking worker (pilots build and run machines). */
  estimateWork(runs: readonly { spec: Spec; profile: ResolvedProfile }[], pilotEvents: number, maxBytes: number): Promise<WorkEstimate[]> {
    if (this.closed) return Promise.reject(new Error('the engine pool is closed'));
    if (runs.length === 0) return Promise.resolve([]);
    const task: EstimateTask = { type: 'estimate', taskId: this.nextTask++, runs: [...runs], pilotEvents, maxBytes };
    return this.ask<WorkEstimate[]>(task);
  }

  /**
   * The work estimates on the run workers, each taking every n-th spec (answers in the specs'
   * order): for a caller whose workers would wait idle until its runs start (the CLI's sweeps),
   * so the pilots run in parallel and each worker's JIT is warm for the runs. While they run, the
   * workers take no run.
   */
  async estimateOnRunWorkers(runs: readonly { spec: Spec; profile: ResolvedProfile }[], pilotEvents: number, maxBytes: number): Promise<WorkEstimate[]> {
    if (this.closed) throw new Error('the engine pool is closed');
    const shares: { spec: Spec; profile: ResolvedProfile }[][] = Array.from({ length: Math.min(this.size, runs.length) }, () => []);
    runs.forEach((r, i) => shares[i % shares.length]!.push(r));
    const answers = await Promise.all(
      shares.map((share) => {
        const slot = this.idleSlot();
        const task: EstimateTask = { type: 'estimate', taskId: this.nextTask++, runs: share, pilotEvents, maxBytes };
        return new Promise<WorkEstimate[]>((resolve, reject) => {
          slot.asks.set(task.taskId, { resolve, reject });
          slot.worker.postMessage(task);
        });
      }),
    );
    return runs.map((_, i) => answers[i % shares.length]![Math.floor(i / shares.length)]!);
  }

  private ask<T>(task: CheckTask | EstimateTask): Promise<T> {
    const checker = (this.checker ??= this.spawnChecker());
    return new Promise<T>((resolve, reject) => {
      checker.pending.set(task.taskId, { resolve: resolve as (answer: never) => void, reject });
      checker.worker.postMessage(task);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const s of slots) {
      if (s.busy) this.settle(s, { status: 'cancelled', message: 'the workbench closed', wallMs: performance.now() - s.busy.started });
      this.failAsks(s, 'the workbench closed');
    }
    const checker = this.checker;
    this.checker = null;
    if (checker) this.failChecks(checker, 'the workbench closed');
    await Promise.all([...slots.map((s) => s.worker.terminate()), checker?.worker.terminate()]);
  }

  /** The checking worker: the same entry as the run workers; it answers checks in the order they were posted. */
  private spawnChecker(): Checker {
    const worker = new Worker(this.entry.file, { workerData: { cancel: new SharedArrayBuffer(4) }, execArgv: this.entry.execArgv });
    const checker: Checker = { worker, pending: new Map() };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type !== 'checked' && m.type !== 'estimated' && m.type !== 'check-failed') return;
      const p = checker.pending.get(m.taskId);
      checker.pending.delete(m.taskId);
      if (m.type === 'check-failed') p?.reject(new Error(m.message));
      else p?.resolve((m.type === 'checked' ? m.issues : m.estimates) as never);
    });
    worker.on('error', (e) => this.failChecks(checker, `the engine worker crashed: ${e.message}`));
    worker.on('exit', (code) => this.failChecks(checker, `the engine worker exited (code ${code})`));
    return checker;
  }

  private failChecks(checker: Checker, why: string): void {
    if (this.checker === checker) this.checker = null;
    for (const p of checker.pending.values()) p.reject(new Error(`the topology check failed: ${why}`));
    checker.pending.clear();
  }

  private failAsks(slot: Slot, why: string): void {
    for (const a of slot.asks.values()) a.reject(new Error(`the work estimate failed: ${why}`));
    slot.asks.clear();
  }

  private idleSlot(): Slot {
    const idle = this.slots.find((s) => s.busy === null && s.asks.size === 0);
    if (idle) return idle;
    if (this.slots.length >= this.size) throw new Error('every engine worker is busy');
    const slot = this.spawn();
    this.slots.push(slot);
    return slot;
  }

  private spawn(): Slot {
    const cancelBuffer = new SharedArrayBuffer(4);
    const worker = new Worker(this.entry.file, { workerData: { cancel: cancelBuffer }, execArgv: this.entry.execArgv, resourceLimits: this.resourceLimits });
    const slot: Slot = { worker, cancel: new Int32Array(cancelBuffer), busy: null, asks: new Map() };
    worker.on('message', (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on('error', (e) => {
      this.failAsks(slot, `the engine worker crashed: ${e.message}`);
      const a = slot.busy;
      if (a === null) return;
      const wallMs = performance.now() - a.started;
      // V8's heap limit reached before the memory budget's own check: still the memory budget, stored as such.
      if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' && a.budgets) {
        const message = `budget exceeded: the engine worker ran out of JS heap (V8's limit) before the memory budget of ${formatBudgetFigure('memory', a.budgets.maxMemoryBytes)}; the run needs more heap than one engine thread has`;
        this.replace(slot, { status: 'budget-exceeded', message, wallMs });
      } else this.replace(slot, { status: 'failed', message: `the engine worker crashed: ${e.message}`, wallMs });
    });
    worker.on('exit', (code) => {
      this.failAsks(slot, `the engine worker exited (code ${code})`);
      // A worker that died between runs (in an estimate) is not handed a run.
      if (slot.busy === null && this.slots.includes(slot)) this.slots.splice(this.slots.indexOf(slot), 1);
      if (slot.busy && this.slots.includes(slot)) this.replace(slot, { status: 'failed', message: `the engine worker exited (code ${code})`, wallMs: performance.now() - slot.busy.started });
    });
    return slot;
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    if (m.type === 'estimated' || m.type === 'check-failed') {
      const ask = slot.asks.get(m.taskId);
      slot.asks.delete(m.taskId);
      if (m.type === 'estimated') ask?.resolve(m.estimates);
      else ask?.reject(new Error(m.message));
      return;
    }
    const a = slot.busy;
    if (m.type === 'ready' || m.type === 'checked' || a === null || m.taskId !== a.taskId) return;
    if (m.type === 'progress') a.onProgress({ phase: m.phase, simNs: m.simNs, endNs: m.endNs, events: m.events });
    else if (m.type === 'done') this.settle(slot, { status: 'done', result: m.result, wallMs: m.wallMs });
    else this.settle(slot, { status: m.status, message: m.message, wallMs: m.wallMs });
  }

  private settle(slot: Slot, o: TaskOutcome): void {
    const a = slot.busy;
    if (a === null) return;
    if (a.cancelTimer) clearTimeout(a.cancelTimer);
    slot.busy = null;
    a.resolve(o);
  }

  /** Terminates a stuck or dead worker and puts a fresh one in its place. */
  private replace(slot: Slot, o: TaskOutcome): void {
    this.settle(slot, o);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
  }
}
