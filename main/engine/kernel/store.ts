/**
 * A FIFO store of items with a capacity: rings and queues where producers and consumers meet
 * (a descriptor ring, a command queue's entries, completion queues).
 *
 * Models: put blocks while full, get blocks while empty, both served in arrival order.
 * Does not model: item priorities.
 */
import type { Environment } from './environment';
import { SimEvent } from './event';

export class Store<T> {
  private readonly items: T[] = [];
  private readonly getters: SimEvent<T>[] = [];
  private readonly putters: { ev: SimEvent<void>; item: T }[] = [];

  constructor(
    readonly env: Environment,
    readonly name: string,
    readonly capacity = Infinity,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`store ${name}: capacity must be at least 1`);
  }

  get length(): number {
    return this.items.length;
  }

  /** Puts without waiting; returns false (and stores nothing) when full. */
  tryPut(item: T): boolean {
    if (this.items.length >= this.capacity && this.getters.length === 0) return false;
    this.deliver(item);
    return true;
  }

  /** Puts `item`; with room, synchronously (the shared granted event, the caller continues at once). */
  put(item: T): SimEvent<void> {
    if (this.items.length < this.capacity || this.getters.length > 0) {
      this.deliver(item);
      return this.env.granted;
    }
    const ev = new SimEvent<void>(this.env);
    this.putters.push({ ev, item });
    return ev;
  }

  /** Takes the oldest item; when there is one, synchronously (an already-processed event). */
  get(): SimEvent<T> {
    const ev = new SimEvent<T>(this.env);
    if (this.items.length > 0) {
      ev.settle(this.items.shift() as T);
      const p = this.putters.shift();
      if (p !== undefined) {
        this.items.push(p.item);
        p.ev.succeed();
      }
    } else {
      this.getters.push(ev);
    }
    return ev;
  }

  private deliver(item: T): void {
    const g = this.getters.shift();
    if (g !== undefined) g.succeed(item);
    else this.items.push(item);
  }
}
