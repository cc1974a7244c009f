/**
 * Guest domain IDs of one VT-d unit: the capability register's ND field gives 2^(4 + 2·ND)
 * IDs; with caching mode, ID 0 is reserved (Linux: "if caching mode, domain-id 0 is reserved"),
 * so allocation starts at 1.
 *
 * Models: exhaustion (null when every ID is taken), reuse of freed IDs lowest first.
 * Does not model: per-IOMMU domain-ID bitmaps of several DMAR units.
 */
export class DomainIds {
  private readonly used = new Set<number>();
  readonly capacity: number;

  constructor(
    readonly bits: number,
    private readonly firstId: number,
  ) {
    if (!Number.isInteger(bits) || bits < 4 || bits > 16 || bits % 2 !== 0) throw new RangeError(`domain-ID width must be 4..16 bits in steps of 2 (ND 0..6), got ${bits}`);
    this.capacity = 2 ** bits - firstId;
  }

  get inUse(): number {
    return this.used.size;
  }

  alloc(): number | null {
    for (let id = this.firstId; id < 2 ** this.bits; id++) {
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
    return null;
  }

  free(id: number): void {
    if (!this.used.delete(id)) throw new Error(`domain ID ${id} is not allocated`);
  }
}
