/**
 * A first-in first-out list with O(1) removal from the front: the NIC's posted receive buffers
 * (which an Array.splice(0, n) per packet made linear in the ring size) and its completions.
 * A ring over a power-of-two array that doubles when full: a push and a removal are a store and
 * an index step each (an array pushed at the back and compacted now and then by slicing cost a
 * growth copy every few hundred pushes and a slice every thousand, 30–40 ns per pair).
 */
export class Fifo<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(16).fill(undefined);
  private mask = 15;
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & this.mask] = item;
    this.count++;
  }

  /** Removes and returns the oldest item (length > 0). */
  shift(): T {
    const h = this.head;
    const item = this.items[h] as T;
    this.items[h] = undefined;
    this.head = (h + 1) & this.mask;
    this.count--;
    return item;
  }

  /** Removes the `n` oldest items (n ≤ length) into `out`, which becomes exactly those. */
  takeInto(out: T[], n: number): void {
    if (out.length !== n) out.length = n; // a runtime call even when it changes nothing
    for (let i = 0; i < n; i++) out[i] = this.shift();
  }

  /** Removes and returns the `n` oldest items (n ≤ length). */
  take(n: number): T[] {
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(this.shift());
    return out;
  }

  /** Doubles the ring, its items moved to the front in order. */
  private grow(): void {
    const old = this.items;
    const items = new Array<T | undefined>(old.length * 2).fill(undefined);
    for (let i = 0; i < this.count; i++) items[i] = old[(this.head + i) & this.mask];
    this.items = items;
    this.mask = items.length - 1;
    this.head = 0;
  }
}
