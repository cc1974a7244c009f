/**
 * Resources with a capacity and a FIFO queue: what makes contention emerge (a VMM emulation
 * thread, a command queue, a lock, a vCPU, a PCIe link).
 *
 * Models: `capacity` identical servers; requests granted in arrival order; busy-time and
 * waiting-time accounting for utilisation and queueing metrics.
 * Does not model: priorities or preemption among waiters.
 *
 * The waiters sit in a ring (events, and the instants they started waiting, in a Float64Array)
 * that doubles when full: no object per queued request and no compaction step — a branch first
 * taken long after the JIT optimised release() (it deoptimised every run's hot loop once).
 */
import type { Environment } from './environment';
import { SimEvent } from './event';
import type { ProcessGenerator } from './process';

export class Resource {
  private inUse = 0;
  /**
   * Waiters in a ring of power-of-two size: the oldest at `head`, `queued` of them. Empty until
   * the constructor grows it, so both fields are written twice before any code runs hot: V8
   * keeps a field written once as a constant that optimised code may rely on, and the first
   * grow() under contention, long after, then deoptimised every function that had inlined a
   * request or a release (the DMA steps, the map-bench and NAPI loops).
   */
  private waiting: (SimEvent<void> | undefined)[] = [];
  private since = new Float64Array(0);
  private head = 0;
  private queued = 0;
  private busyIntegral = 0;
  private lastChange = 0;
  /** Total ns requests spent queued, and how many were granted. */
  waitedNs = 0;
  grants = 0;

  constructor(
    readonly env: Environment,
    readonly name: string,
    readonly capacity = 1,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`resource ${name}: capacity must be a positive integer`);
    this.grow();
  }

  get busy(): number {
    return this.inUse;
  }

  /** A slot is free and nobody is queued: tryAcquire() would succeed. */
  get idle(): boolean {
    return this.inUse < this.capacity && this.queued === 0;
  }

  get queueLength(): number {
    return this.queued;
  }

  /**
   * An event that succeeds when a slot is granted to the caller. A free slot is granted
   * synchronously: the shared, already-processed `env.granted` is returned, so the process
   * continues in the same step and nothing is allocated or queued.
   */
  request(): SimEvent<void> {
    if (this.inUse < this.capacity && this.queued === 0) {
      this.account();
      this.inUse++;
      this.grants++;
      return this.env.granted;
    }
    const ev = new SimEvent<void>(this.env);
    if (this.queued === this.waiting.length) this.grow();
    const at = (this.head + this.queued++) & (this.waiting.length - 1);
    this.waiting[at] = ev;
    this.since[at] = this.env.now;
    return ev;
  }

  /**
   * Takes a free slot at once (true), exactly as a `yield request()` granted synchronously
   * would, without the yield; false when the caller must `yield request()` and queue.
   */
  tryAcquire(): boolean {
    if (this.inUse >= this.capacity || this.queued !== 0) return false;
    this.account();
    this.inUse++;
    this.grants++;
    return true;
  }

  release(): void {
    if (this.inUse === 0) throw new Error(`resource ${this.name}: release without a matching request`);
    this.account();
    if (this.queued > 0) {
      const at = this.head;
      const next = this.waiting[at]!;
      this.waiting[at] = undefined;
      this.head = (at + 1) & (this.waiting.length - 1);
      this.queued--;
      this.waitedNs += this.env.now - this.since[at]!;
      this.grants++;
      next.succeed();
    } else {
      this.inUse--;
    }
  }

  /** Holds one slot for `ns` of service, queueing first if needed. */
  *use(ns: number): ProcessGenerator<void> {
    if (!this.tryAcquire()) yield this.request();
    try {
      if (!this.env.advance(ns)) yield ns;
    } finally {
      this.release();
    }
  }

  /** Mean number of busy slots divided by capacity, from time 0 to now. */
  utilisation(): number {
    this.account();
    return this.env.now === 0 ? 0 : this.busyIntegral / (this.env.now * this.capacity);
  }

  /** Busy slot-nanoseconds accumulated so far. */
  busyNs(): number {
    this.account();
    return this.busyIntegral;
  }

  /** Doubles the ring (an empty one becomes 4 slots), oldest waiter first at 0. */
  private grow(): void {
    const n = this.waiting.length;
    // Filled, so an event stored later does not change the array's elements kind.
    const waiting = new Array<SimEvent<void> | undefined>(Math.max(4, 2 * n)).fill(undefined);
    const since = new Float64Array(waiting.length);
    for (let i = 0; i < n; i++) {
      const at = (this.head + i) & (n - 1);
      waiting[i] = this.waiting[at];
      since[i] = this.since[at]!;
    }
    this.waiting = waiting;
    this.since = since;
    this.head = 0;
  }

  private account(): void {
    const now = this.env.now;
    this.busyIntegral += this.inUse * (now - this.lastChange);
    this.lastChange = now;
  }
}
