/**
 * Simulation events with explicit states (SimPy's shape).
 *
 * Models: something that happens once at a simulated instant: PENDING until triggered,
 * TRIGGERED once it has a value (or an error) and is queued, PROCESSED once its waiters ran.
 * Does not model: cancellation of a triggered event (it cannot be un-triggered).
 * Misuse fails loudly: triggering twice, or reading a value that does not exist yet, throws.
 */
import type { Environment } from './environment';

export const PENDING = 0;
export const TRIGGERED = 1;
export const PROCESSED = 2;
export type EventState = typeof PENDING | typeof TRIGGERED | typeof PROCESSED;

export interface Waiter {
  /** Called when the awaited event is processed. */
  wake(event: SimEvent<unknown>): void;
}

export class SimEvent<T = unknown> {
  state: EventState = PENDING;
  private _value: T | undefined;
  private _error: unknown;
  private _failed = false;
  // Most events have one waiter: it sits in a field, so waiting on an event allocates nothing.
  private waiter: Waiter | null = null;
  private moreWaiters: Waiter[] | null = null;

  constructor(readonly env: Environment) {}

  get triggered(): boolean {
    return this.state !== PENDING;
  }

  get processed(): boolean {
    return this.state === PROCESSED;
  }

  get failed(): boolean {
    return this._failed;
  }

  get value(): T {
    if (this.state === PENDING) throw new Error('value of an event that has not been triggered');
    if (this._failed) throw this._error;
    return this._value as T;
  }

  get error(): unknown {
    return this._error;
  }

  succeed(value?: T): this {
    if (this.state !== PENDING) throw new Error('event triggered twice');
    this._value = value;
    this.state = TRIGGERED;
    this.env.scheduleEvent(this);
    return this;
  }

  fail(error: unknown): this {
    if (this.state !== PENDING) throw new Error('event triggered twice');
    this._error = error;
    this._failed = true;
    this.state = TRIGGERED;
    this.env.scheduleEvent(this);
    return this;
  }

  /**
   * Kernel-internal: makes a new event already processed with `value`, without queueing it —
   * for a request the caller's process may continue from at once (a free resource, an item
   * already in a store). Waiters added later wake immediately.
   */
  settle(value: T): this {
    this._value = value;
    this.state = PROCESSED;
    return this;
  }

  /** Registers a waiter; an already-processed event wakes it at once. */
  addWaiter(w: Waiter): void {
    if (this.state === PROCESSED) {
      w.wake(this);
      return;
    }
    if (this.waiter === null) this.waiter = w;
    else (this.moreWaiters ??= []).push(w);
  }

  /**
   * Kernel-internal: run the waiters, in the order they were added. A sole waiter is told it
   * runs directly from the event loop (nothing else runs at this step after it), which lets a
   * process merge its next delay (Environment.advanceDirect).
   */
  process(): void {
    this.state = PROCESSED;
    const w = this.waiter;
    if (w === null) {
      if (this._failed && !this.defused) throw this._error;
      return;
    }
    this.waiter = null;
    const more = this.moreWaiters;
    if (more === null) {
      this.env.direct = w;
      w.wake(this);
      return;
    }
    this.moreWaiters = null;
    w.wake(this);
    for (const m of more) m.wake(this);
  }

  /** A failed event nobody waits on crashes the run unless it was defused. */
  defused = false;
}
