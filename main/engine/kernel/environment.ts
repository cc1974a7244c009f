/**
 * The simulation environment: integer simulated time in nanoseconds, the future-event set,
 * and the run loop.
 *
 * Models: time advancing from event to event; callbacks and processes scheduled at (time,
 * priority, sequence). Priority 0 is urgent (event processing), 1 normal.
 * Does not model: wall-clock time — nothing here reads a clock, so runs are deterministic.
 *
 * Same-instant ordering (the contract the golden results rest on):
 * - entries run in (time, priority, insertion) order;
 * - a request that can be served at once (a free resource, an item already in a store) is
 *   granted synchronously: the requesting process continues in the same step, before anything
 *   else queued for that instant (no URGENT round trip through the queue);
 * - a triggered event wakes its waiters through the queue, at URGENT priority, in the order
 *   they started waiting;
 * - a process that resumes directly from the loop and holds for d ns, when no entry is queued
 *   before now + d (and now + d is within the run's horizon), is advanced without queueing
 *   (its delays merge): exactly the order the queue would have given, one event fewer.
 * `events` counts queue entries processed; merged delays are not events. Model code on a hot
 * path may hold in place (`advance`) and take a free resource without yielding (`tryAcquire`):
 * the same outcome as yielding, without the trip through the generator chain.
 */
import { EventQueue, MAX_PRIORITY } from './event-queue';
import { SimEvent } from './event';
import { Process, type ProcessGenerator } from './process';
import { Rng } from './rng';

export const URGENT = 0;
export const NORMAL = 1;

type Entry = (() => void) | SimEvent<unknown>;

/** Why Environment.drain returned. */
const STOPPED = 0;
const HORIZON = 1;
const POLL = 2;

export class Environment {
  private readonly queue = new EventQueue<Entry>(4096);
  private _now = 0;
  private _events = 0;
  private stopped = false;
  private readonly streams = new Map<string, Rng>();
  private readonly mergeDelays: boolean;
  /** The horizon of the current run() call. */
  private until = -1;
  /** Entries (and merged delays) left before the current run() calls its onEvery. */
  private countdown = Infinity;
  /** Kernel-internal: the waiter the loop is running directly (nothing else runs after it at this step). */
  direct: unknown = null;
  /** Kernel-internal: the process whose generator is executing (null between steps). */
  current: unknown = null;
  /** The event every synchronous grant returns: already processed, value undefined. */
  readonly granted: SimEvent<void> = new SimEvent<void>(this).settle(undefined);

  /** `mergeDelays: false` queues every hold (the kernel's tests compare both ways; runs always merge). */
  constructor(
    readonly seed: number,
    opts: { mergeDelays?: boolean } = {},
  ) {
    this.mergeDelays = opts.mergeDelays ?? true;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  }

  get now(): number {
    return this._now;
  }

  /** Events processed so far. */
  get events(): number {
    return this._events;
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Calls fn after `delay` ns. Delays are integers: fractional time would make results depend on rounding order. */
  schedule(delay: number, fn: () => void, priority: number = NORMAL): void {
    // The common case (a delay below 2^32 ns, normal priority) is checked with one comparison.
    if ((delay >>> 0) !== delay && !(delay >= 0 && delay === Math.floor(delay) && delay !== Infinity)) {
      throw new RangeError(`schedule: delay must be a non-negative integer number of ns, got ${delay}`);
    }
    if (priority !== NORMAL && (priority < 0 || priority > MAX_PRIORITY || priority !== (priority | 0))) {
      throw new RangeError(`schedule: priority must be an integer in [0, ${MAX_PRIORITY}], got ${priority}`);
    }
    this.queue.push(this._now + delay, priority, fn);
  }

  /** Kernel-internal: queues a process (as itself) to resume after `delay` ns. */
  scheduleHold(delay: number, proc: SimEvent<unknown>, priority: number): void {
    if ((delay >>> 0) !== delay && !(delay >= 0 && delay === Math.floor(delay) && delay !== Infinity)) {
      throw new RangeError(`schedule: delay must be a non-negative integer number of ns, got ${delay}`);
    }
    this.queue.push(this._now + delay, priority, proc);
  }

  /**
   * Kernel-internal: lets `who`, running directly from the loop, hold `delay` ns without an
   * event when nothing is queued before the end of the hold. Returns false (and changes
   * nothing) when the hold must go through the queue.
   */
  advanceDirect(who: unknown, delay: number): boolean {
    const t = this._now + delay;
    if (this.direct !== who || !(t < this.queue.peekTime()) || !this.mergeDelays || t > this.until || this.countdown <= 1 || this.stopped) return false;
    if ((delay >>> 0) !== delay && !(delay >= 0 && delay === Math.floor(delay) && delay !== Infinity)) return false;
    this._now = t;
    this.countdown--;
    return true;
  }

  /**
   * Holds the calling process for `delay` ns in place, without yielding, when that is exactly
   * what yielding the delay would do: the process runs directly from the loop and nothing
   * queued comes before the end of the hold (the same test as a merged delay, so results and
   * event counts are the same either way). Returns false when the caller must `yield delay`:
   * `if (!env.advance(ns)) yield ns;`. Saves the trip of a yield through every `yield*` level.
   */
  advance(delay: number): boolean {
    return this.current !== null && this.advanceDirect(this.current, delay);
  }

  /**
   * Whether the calling process could hold `delay` ns in place in up to `steps` advance()
   * calls: for a model that does a whole sequence in place or none of it.
   */
  canAdvance(delay: number, steps: number): boolean {
    const t = this._now + delay;
    return this.current !== null && this.direct === this.current && t < this.queue.peekTime() && t <= this.until && this.countdown > steps && !this.stopped && this.mergeDelays;
  }

  /** Kernel-internal: queues a triggered event for processing now. */
  scheduleEvent(ev: SimEvent<unknown>): void {
    this.queue.push(this._now, URGENT, ev);
  }

  event<T = unknown>(): SimEvent<T> {
    return new SimEvent<T>(this);
  }

  /** An event that succeeds after `delay` ns. */
  timeout<T = undefined>(delay: number, value?: T): SimEvent<T> {
    const ev = new SimEvent<T>(this);
    this.schedule(delay, () => ev.succeed(value as T));
    return ev;
  }

  process<T>(gen: ProcessGenerator<T>, name = 'process'): Process<T> {
    return new Process<T>(this, gen, name);
  }

  /** An event that succeeds, with the values in order, once every event in the list has succeeded; fails on the first failure. */
  allOf<T>(events: readonly SimEvent<T>[]): SimEvent<T[]> {
    const all = new SimEvent<T[]>(this);
    let remaining = events.length;
    if (remaining === 0) return all.succeed([]);
    const waiter = {
      wake: (ev: SimEvent<unknown>) => {
        if (all.triggered) return;
        if (ev.failed) {
          ev.defused = true;
          all.fail(ev.error);
          return;
        }
        if (--remaining === 0) all.succeed(events.map((e) => e.value));
      },
    };
    for (const e of events) e.addWaiter(waiter);
    return all;
  }

  /** The named random stream for a component; the same name always gives the same stream. */
  rng(name: string): Rng {
    let r = this.streams.get(name);
    if (r === undefined) {
      r = new Rng(this.seed, name);
      this.streams.set(name, r);
    }
    return r;
  }

  /** Stops run() after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Processes events until the queue is empty, stop() is called, or the next event lies beyond
   * `until` (then time is advanced to `until`). `onEvery` is called every `interval` events
   * (progress, cancel checks) and may return false to stop.
   */
  run(until = Infinity, onEvery?: () => boolean | void, interval = 65536): void {
    this.stopped = false;
    const every = onEvery === undefined ? Infinity : interval;
    this.countdown = every;
    this.until = until;
    try {
      for (;;) {
        const why = this.drain(this.queue, until);
        if (why === STOPPED) return;
        if (why === HORIZON) {
          if (until !== Infinity && until > this._now) this._now = until;
          return;
        }
        this.countdown = every;
        if (onEvery!() === false) return;
      }
    } finally {
      this.direct = null;
      this.current = null;
      this.until = -1;
      this.countdown = Infinity;
    }
  }

  /**
   * The loop of run(), up to its next poll: processes entries until stop(), the horizon, or the
   * countdown. Apart from run() because the JIT optimises it (on stack) while it runs, before
   * a poll or the horizon was ever reached: code for them in the same function had no feedback
   * and deoptimised the loop the first time each came (a recompile of the loop in every run).
   * The queue is an argument: a load of it on entry, first run before this function had its
   * feedback vector, deoptimised the optimised drain on its second call.
   */
  private drain(q: EventQueue<Entry>, until: number): number {
    while (!this.stopped) {
      const t = q.peekTime();
      if (t > until || t === Infinity) return HORIZON;
      this._now = t;
      const entry = q.pop();
      this._events++;
      this.direct = null;
      if (typeof entry === 'function') entry();
      else entry.process();
      // Merged delays count down too, so a lone process holding forever is still polled.
      if (--this.countdown <= 0) return POLL;
    }
    return STOPPED;
  }
}
