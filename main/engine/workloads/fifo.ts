/**
 * A first-in first-out list with O(1) removal from the front (an array and a head index,
 * compacted now and then): the NIC's posted receive buffers, which an Array.splice(0, n) per
 * packet made linear in the ring size.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the oldest item (length > 0). */
  shift(): T {
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    this.compact();
    return item;
  }

  /** Removes the `n` oldest items (n ≤ length) into `out`, which becomes exactly those. */
  takeInto(out: T[], n: number): void {
    if (out.length !== n) out.length = n; // a runtime call even when it changes nothing
    for (let i = 0; i < n; i++) out[i] = this.items[this.head + i]!;
    this.head += n;
    this.compact();
  }

  /** Removes and returns the `n` oldest items (n ≤ length). */
  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n);
    this.head += n;
    this.compact();
    return out;
  }

  private compact(): void {
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
