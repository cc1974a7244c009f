/**
 * ASID / VMID allocation for one SMMU instance: IDs 1 .. 2^bits − 1 (0 stays reserved, as
 * Linux's ida ranges start at 1), lowest free first.
 *
 * Models: per-instance namespaces (a VMID on one SMMU means nothing on another) and exhaustion.
 * Does not model: ASID sharing with the CPU's mm (SVA).
 */
export class IdAllocator {
  private readonly used = new Set<number>();
  private next = 1;
  readonly capacity: number;

  constructor(
    readonly what: string,
    readonly bits: number,
  ) {
    if (bits !== 8 && bits !== 16) throw new RangeError(`${what}: ID width must be 8 or 16 bits, got ${bits}`);
    this.capacity = 2 ** bits - 1;
  }

  get inUse(): number {
    return this.used.size;
  }

  /** The lowest free ID, or null when every ID is taken. */
  alloc(): number | null {
    if (this.used.size >= this.capacity) return null;
    for (let i = 0; i < this.capacity; i++) {
      const id = ((this.next - 1 + i) % this.capacity) + 1;
      if (!this.used.has(id)) {
        this.used.add(id);
        this.next = id + 1;
        return id;
      }
    }
    return null;
  }

  free(id: number): void {
    if (!this.used.delete(id)) throw new Error(`${this.what}: freeing ${id}, which is not allocated`);
    if (id < this.next) this.next = id;
  }
}
