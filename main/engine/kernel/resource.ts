/**
 * Resources with a capacity and a FIFO queue: what makes contention emerge (a VMM emulation
 * thread, a command queue, a lock, a vCPU, a PCIe link).
 *
 * Models: `capacity` identical servers; requests granted in arrival order; busy-time and
 * waiting-time accounting for utilisation and queueing metrics.
 * Does not model: priorities or preemption among waiters.
 */
import type { Environment } from './environment';
import { SimEvent } from './event';
import type { ProcessGenerator } from './process';

export class Resource {
  private inUse = 0;
  private readonly waiting: { ev: SimEvent<void>; since: number }[] = [];
  private head = 0;
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
  }

  get busy(): number {
    return this.inUse;
  }

  /** A slot is free and nobody is queued: tryAcquire() would succeed. */
  get idle(): boolean {
    return this.inUse < this.capacity && this.head === this.waiting.length;
  }

  get queueLength(): number {
    return this.waiting.length - this.head;
  }

  /**
   * An event that succeeds when a slot is granted to the caller. A free slot is granted
   * synchronously: the shared, already-processed `env.granted` is returned, so the process
   * continues in the same step and nothing is allocated or queued.
   */
  request(): SimEvent<void> {
    if (this.inUse < this.capacity && this.head === this.waiting.length) {
      this.account();
      this.inUse++;
      this.grants++;
      return this.env.granted;
    }
    const ev = new SimEvent<void>(this.env);
    this.waiting.push({ ev, since: this.env.now });
    return ev;
  }

  /**
   * Takes a free slot at once (true), exactly as a `yield request()` granted synchronously
   * would, without the yield; false when the caller must `yield request()` and queue.
   */
  tryAcquire(): boolean {
    if (this.inUse >= this.capacity || this.head !== this.waiting.length) return false;
    this.account();
    this.inUse++;
    this.grants++;
    return true;
  }

  release(): void {
    if (this.inUse === 0) throw new Error(`resource ${this.name}: release without a matching request`);
    this.account();
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      this.waitedNs += this.env.now - next.since;
      this.grants++;
      next.ev.succeed();
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

  private account(): void {
    const now = this.env.now;
    this.busyIntegral += this.inUse * (now - this.lastChange);
    this.lastChange = now;
  }
}
