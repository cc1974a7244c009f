/**
 * A guest kernel page allocator for the blocks a model needs real guest-physical addresses for
 * (coherent DMA buffers, dynamic swiotlb pools): aligned blocks from a region, top-down, with
 * freed blocks reused first-fit by exact size.
 *
 * Models: addresses (so conversions land where the guest's would: aligned, in a bounded region)
 * and exhaustion of the region. Does not model: buddy splitting/merging, zones, fragmentation
 * beyond exact-size reuse.
 */

export class GuestPageAllocator {
  private top: number;
  private readonly freed = new Map<number, number[]>();
  private live = 0;

  constructor(
    readonly lo: number,
    readonly hi: number,
  ) {
    if (!(Number.isSafeInteger(lo) && Number.isSafeInteger(hi) && lo >= 0 && hi > lo)) throw new RangeError(`guest allocator region [${lo}, ${hi}) is empty`);
    this.top = hi;
  }

  /** Bytes handed out and not freed. */
  get liveBytes(): number {
    return this.live;
  }

  /** An `align`-aligned block of `bytes` (whole 4 KiB pages), or null when the region is exhausted. */
  alloc(bytes: number, align = 4096): number | null {
    const size = Math.ceil(bytes / 4096) * 4096;
    const list = this.freed.get(size);
    if (list !== undefined) {
      const i = list.findIndex((a) => a % align === 0);
      if (i >= 0) {
        const [gpa] = list.splice(i, 1);
        if (list.length === 0) this.freed.delete(size);
        this.live += size;
        return gpa!;
      }
    }
    const base = Math.floor((this.top - size) / align) * align;
    if (base < this.lo) return null;
    this.top = base;
    this.live += size;
    return base;
  }

  free(gpa: number, bytes: number): void {
    const size = Math.ceil(bytes / 4096) * 4096;
    let list = this.freed.get(size);
    if (list === undefined) this.freed.set(size, (list = []));
    list.push(gpa);
    this.live -= size;
  }
}
