/**
 * A pool of engine worker threads sized to the machine's cores. Each task runs on one worker;
 * a worker also holds one task queued behind the running one (`capacity` is twice `size`), so it
 * goes from one run to the next without waiting for this thread to see the result and post more
 * (on 2 busy cores this thread is often not scheduled at once). Cancel raises the task's shared
 * flag (one per place in a worker's queue): a queued task is answered as cancelled at once and
 * skipped by its worker; a running one that does not stop within the grace period (or whose
 * worker dies) gets its worker terminated and replaced, the task behind it going to the new one.
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
import { monotonicMs } from '../wall-clock';

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
  /** Tasks that run at once. */
  readonly size: number;
  /** Tasks a caller may have in flight (default `size`): the pool's workers each take one more, queued, to start when their run ends. */
  readonly capacity?: number;
  /** Workers holding no task now, counting those it may still start (absent: not known; `size` minus the tasks in flight is assumed). */
  readonly idle?: number;
  /**
   * Starts a task now (or queues it on a busy worker); the caller never has more than `capacity ?? size` in flight
   * (mayHandOver). A task that was queued reports progress (phase boot, no events) when it starts. Budgets
   * default to DEFAULT_BUDGETS.
   */
  run(spec: Spec, profile: ResolvedProfile, onProgress: (p: TaskProgress) => void, budgets?: Partial<Budgets>): TaskHandle;
  close(): Promise<void>;
}

/**
 * Whether a caller with `inFlight` tasks on `executor` and `waiting` more should hand one over
 * now: up to the executor's capacity while more than `size` wait (a run queued behind each
 * running one, so a worker goes from one run to the next without waiting for the caller's
 * thread); the last `size` only to a worker with nothing to do — a task queued on a worker is that
 * worker's for good, so at the tail it would wait there while another worker stood idle. (Counting
 * tasks in flight instead left a worker idle whenever the other one still held two.)
 */
export function mayHandOver(executor: Pick<RunExecutor, 'size' | 'capacity' | 'idle'>, inFlight: number, waiting: number): boolean {
  if (waiting > executor.size) return inFlight < (executor.capacity ?? executor.size);
  // With nothing in flight no outcome will call the caller back: hand over, and the executor
  // places the run or says why not (every worker answering a work estimate), never a silent wait.
  return inFlight === 0 || hasIdleWorker(executor, inFlight);
}

/** Whether a task handed over now starts at once: a worker holds nothing (unreported: fewer tasks in flight than workers). */
export function hasIdleWorker(executor: Pick<RunExecutor, 'size' | 'idle'>, inFlight: number): boolean {
  return executor.idle !== undefined ? executor.idle > 0 : inFlight < executor.size;
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

/** Tasks a worker holds: the running one and one queued behind it. */
const DEPTH = 2;
/** Cancel flags per worker: one for each task it holds, including cancelled ones it has not yet skipped. */
const CELLS = 8;

interface Slot {
  worker: Worker;
  /** The cancel flags; a task reads only its own cell (Active.task.cell). */
  cancel: Int32Array;
  /** Tasks posted to this worker in order, not yet answered by it; the first is running (or about to). */
  queue: Active[];
  /** Work estimates asked of this run worker (estimateOnRunWorkers); it takes no run meanwhile. */
  asks: Map<number, Ask>;
}

interface Ask {
  resolve: (estimates: WorkEstimate[]) => void;
  reject: (e: Error) => void;
}

interface Active {
  task: RunTask;
  onProgress: (p: TaskProgress) => void;
  resolve: (o: TaskOutcome) => void;
  started: number;
  cancelTimer: NodeJS.Timeout | null;
  cancelled: boolean;
  /** Its outcome was given (a queued task cancelled): its worker's answer, when it comes, only frees the place. */
  settled: boolean;
}

interface Checker {
  worker: Worker;
  pending: Map<number, { resolve: (answer: never) => void; reject: (e: Error) => void }>;
}

export class WorkerPool implements RunExecutor {
  readonly size: number;
  readonly capacity: number;
  private readonly slots: Slot[] = [];
  private checker: Checker | null = null;
  private readonly entry: { file: string; execArgv: string[] };
  private readonly cancelGraceMs: number;
  private readonly resourceLimits: ResourceLimits | undefined;
  private nextTask = 1;
  private closed = false;

  constructor(opts: PoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
    this.capacity = this.size * DEPTH;
    this.entry = opts.workerFile ? { file: opts.workerFile, execArgv: [] } : defaultWorkerFile();
    this.cancelGraceMs = opts.cancelGraceMs ?? 800;
    this.resourceLimits = opts.resourceLimits;
  }

  /** Run workers a task would start on at once (slotWithRoom's first two choices). */
  get idle(): number {
    if (this.closed) return 0;
    let n = Math.max(0, this.size - this.slots.length);
    for (const s of this.slots) if (s.asks.size === 0 && holding(s) === 0 && freeCell(s) >= 0) n++;
    return n;
  }

  run(spec: Spec, profile: ResolvedProfile, onProgress: (p: TaskProgress) => void, budgets?: Partial<Budgets>): TaskHandle {
    if (this.closed) throw new Error('the engine pool is closed');
    const slot = this.slotWithRoom();
    let resolve!: (o: TaskOutcome) => void;
    const outcome = new Promise<TaskOutcome>((r) => (resolve = r));
    const task: RunTask = { type: 'run', taskId: this.nextTask++, cell: 0, spec, profile, budgets: resolveBudgets(budgets) };
    const active: Active = { task, onProgress, resolve, started: monotonicMs(), cancelTimer: null, cancelled: false, settled: false };
    this.post(slot, active);
    return { outcome, cancel: () => this.cancel(active) };
  }

  /** Puts a task at the end of a worker's queue, with a cancel cell no other task it holds has (slotWithRoom saw one free). */
  private post(slot: Slot, active: Active): void {
    active.task.cell = freeCell(slot);
    Atomics.store(slot.cancel, active.task.cell, 0);
    slot.queue.push(active);
    slot.worker.postMessage(active.task);
  }

  private cancel(active: Active): void {
    const slot = this.slots.find((s) => s.queue.includes(active));
    if (slot === undefined || active.cancelled || active.settled) return;
    active.cancelled = true;
    Atomics.store(slot.cancel, active.task.cell, 1);
    if (slot.queue[0] !== active) {
      // Not started: its worker will skip it; the caller need not wait for the run ahead of it.
      active.settled = true;
      active.resolve({ status: 'cancelled', message: 'run cancelled before it started', wallMs: 0 });
      return;
    }
    active.cancelTimer = setTimeout(() => {
      if (slot.queue[0] !== active || !this.slots.includes(slot)) return;
      this.replace(slot, { status: 'cancelled', message: 'run cancelled (the engine worker was stopped)', wallMs: monotonicMs() - active.started });
    }, this.cancelGraceMs);
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
      for (const a of s.queue.splice(0)) this.give(a, { status: 'cancelled', message: 'the workbench closed', wallMs: monotonicMs() - a.started });
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

  /** A worker with nothing to do (for work estimates, which take the whole worker), started if need be. */
  private idleSlot(): Slot {
    const idle = this.slots.find((s) => s.queue.length === 0 && s.asks.size === 0);
    if (idle) return idle;
    if (this.slots.length >= this.size) throw new Error('every engine worker is busy');
    return this.addSlot();
  }

  /**
   * Where a run goes: a worker without a task, else a new one while there are fewer than `size`,
   * else a busy one with a free place behind its run. A task cancelled before it began takes no
   * place (its caller has its outcome) but keeps its cancel cell until its worker skips it.
   */
  private slotWithRoom(): Slot {
    const open = this.slots.filter((s) => s.asks.size === 0 && freeCell(s) >= 0);
    const idle = open.find((s) => holding(s) === 0);
    if (idle) return idle;
    if (this.slots.length < this.size) return this.addSlot();
    const room = open.find((s) => holding(s) < DEPTH);
    if (room) return room;
    throw new Error('every engine worker is busy');
  }

  private addSlot(): Slot {
    const slot = this.spawn();
    this.slots.push(slot);
    return slot;
  }

  private spawn(): Slot {
    const cancelBuffer = new SharedArrayBuffer(4 * CELLS);
    const worker = new Worker(this.entry.file, { workerData: { cancel: cancelBuffer }, execArgv: this.entry.execArgv, resourceLimits: this.resourceLimits });
    const slot: Slot = { worker, cancel: new Int32Array(cancelBuffer), queue: [], asks: new Map() };
    worker.on('message', (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on('error', (e) => {
      this.failAsks(slot, `the engine worker crashed: ${e.message}`);
      const a = slot.queue[0];
      if (a === undefined || !this.slots.includes(slot)) return;
      const wallMs = monotonicMs() - a.started;
      // V8's heap limit reached before the memory budget's own check: still the memory budget, stored as such.
      if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        const message = `budget exceeded: the engine worker ran out of JS heap (V8's limit) before the memory budget of ${formatBudgetFigure('memory', a.task.budgets.maxMemoryBytes)}; the run needs more heap than one engine thread has`;
        this.replace(slot, { status: 'budget-exceeded', message, wallMs });
      } else this.replace(slot, { status: 'failed', message: `the engine worker crashed: ${e.message}`, wallMs });
    });
    worker.on('exit', (code) => {
      this.failAsks(slot, `the engine worker exited (code ${code})`);
      if (!this.slots.includes(slot)) return;
      // A worker that died between runs (in an estimate) is not handed a run.
      if (slot.queue.length === 0) this.slots.splice(this.slots.indexOf(slot), 1);
      else this.replace(slot, { status: 'failed', message: `the engine worker exited (code ${code})`, wallMs: monotonicMs() - slot.queue[0]!.started });
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
    // The worker answers its tasks in the order they were posted: the first of the queue.
    const a = slot.queue[0];
    if (m.type === 'ready' || m.type === 'checked' || a === undefined || m.taskId !== a.task.taskId) return;
    if (m.type === 'progress') {
      if (!a.settled) a.onProgress({ phase: m.phase, simNs: m.simNs, endNs: m.endNs, events: m.events });
      return;
    }
    slot.queue.shift();
    if (m.type === 'done') this.give(a, { status: 'done', result: m.result, wallMs: m.wallMs });
    else this.give(a, { status: m.status, message: m.message, wallMs: m.wallMs });
  }

  /** Gives a task its outcome (once). */
  private give(a: Active, o: TaskOutcome): void {
    if (a.cancelTimer) clearTimeout(a.cancelTimer);
    if (a.settled) return;
    a.settled = true;
    a.resolve(o);
  }

  /**
   * Terminates a stuck or dead worker: its running task gets `o`; the tasks queued behind it,
   * which it never started, go to a fresh worker in its place (with fresh cancel cells).
   */
  private replace(slot: Slot, o: TaskOutcome): void {
    const [running, ...waiting] = slot.queue.splice(0);
    if (running !== undefined) this.give(running, o);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
    const pending = waiting.filter((a) => !a.settled);
    if (pending.length === 0 || this.closed) return;
    const fresh = this.spawn();
    this.slots.splice(i >= 0 ? i : this.slots.length, 0, fresh);
    for (const a of pending) this.post(fresh, a);
  }
}

/** Tasks a worker holds whose caller still waits (not those cancelled before they began). */
function holding(slot: Slot): number {
  let n = 0;
  for (const a of slot.queue) if (!a.settled) n++;
  return n;
}

/** A cancel cell no task the worker holds uses, or -1. */
function freeCell(slot: Slot): number {
  for (let c = 0; c < CELLS; c++) if (!slot.queue.some((a) => a.task.cell === c)) return c;
  return -1;
}
