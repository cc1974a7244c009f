/**
 * Future-event set: a binary min-heap keyed (time, priority, sequence).
 *
 * Models: the ordering contract of the kernel — earlier time first, then lower priority
 * number, then insertion order, so ties are broken deterministically.
 * Does not model: anything about what an entry means; the payload is opaque.
 *
 * Keys live in parallel Float64Arrays (time, and priority·2^40 + sequence) so a sift moves
 * numbers, not objects; payloads sit in a plain array moved alongside.
 */

const SEQ_SPAN = 2 ** 40;
export const MAX_PRIORITY = 4095;

export class EventQueue<T> {
  private times: Float64Array;
  private orders: Float64Array;
  private items: (T | undefined)[];
  private count = 0;
  private seq = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.orders = new Float64Array(initialCapacity);
    this.items = new Array<T | undefined>(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.times[0]!;
  }

  push(time: number, priority: number, item: T): void {
    if (this.count === this.times.length) this.grow();
    const order = priority * SEQ_SPAN + this.seq++;
    const times = this.times;
    const orders = this.orders;
    const items = this.items;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && orders[parent]! < order)) break;
      times[i] = pt;
      orders[i] = orders[parent]!;
      items[i] = items[parent];
      i = parent;
    }
    times[i] = time;
    orders[i] = order;
    items[i] = item;
  }

  /** Removes the earliest entry and returns its payload; its time is peekTime() before the call. */
  pop(): T {
    if (this.count === 0) throw new Error('EventQueue.pop on an empty queue');
    const times = this.times;
    const orders = this.orders;
    const items = this.items;
    const top = items[0] as T;
    const last = --this.count;
    const time = times[last]!;
    const order = orders[last]!;
    const item = items[last];
    items[last] = undefined;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      const right = child + 1;
      if (
        right < last &&
        (times[right]! < times[child]! || (times[right] === times[child] && orders[right]! < orders[child]!))
      ) {
        child = right;
      }
      const ct = times[child]!;
      if (time < ct || (time === ct && order < orders[child]!)) break;
      times[i] = ct;
      orders[i] = orders[child]!;
      items[i] = items[child];
      i = child;
    }
    if (last > 0) {
      times[i] = time;
      orders[i] = order;
      items[i] = item;
    }
    return top;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const orders = new Float64Array(cap);
    orders.set(this.orders);
    this.times = times;
    this.orders = orders;
    this.items.length = cap;
  }
}
