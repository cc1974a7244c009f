/**
 * The simulation environment: integer simulated time in nanoseconds, the future-event set,
 * and the run loop.
 *
 * Models: time advancing from event to event; callbacks and processes scheduled at (time,
 * priority, sequence). Priority 0 is urgent (event processing), 1 normal.
 * Does not model: wall-clock time — nothing here reads a clock, so runs are deterministic.
 */
import { EventQueue, MAX_PRIORITY } from './event-queue';
import { SimEvent } from './event';
import { Process, type ProcessGenerator } from './process';
import { Rng } from './rng';

export const URGENT = 0;
export const NORMAL = 1;

type Entry = (() => void) | SimEvent<unknown>;

export class Environment {
  private readonly queue = new EventQueue<Entry>(4096);
  private _now = 0;
  private _events = 0;
  private stopped = false;
  private readonly streams = new Map<string, Rng>();

  constructor(readonly seed: number) {
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
    const q = this.queue;
    let countdown = interval;
    while (!this.stopped) {
      const t = q.peekTime();
      if (t > until || t === Infinity) {
        if (until !== Infinity && until > this._now) this._now = until;
        return;
      }
      this._now = t;
      const entry = q.pop();
      this._events++;
      if (typeof entry === 'function') entry();
      else entry.process();
      if (onEvery !== undefined && --countdown === 0) {
        countdown = interval;
        if (onEvery() === false) return;
      }
    }
  }
}
