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

  /** Removes and returns the `n` oldest items (n ≤ length). */
  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n);
    this.head += n;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
