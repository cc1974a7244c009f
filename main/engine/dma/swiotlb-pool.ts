/**
 * The swiotlb bounce-buffer pool as Linux lays it out: 2 KiB slots; a mapping takes a run of
 * contiguous free slots inside one 128-slot segment (so at most 128 slots = 256 KiB); the pool is
 * split into areas (default: CPUs rounded up to a power of two, each of at least 128 slots), each
 * with its own lock and next-fit index; a CPU starts in its own area and tries the others in turn.
 * Mappings of a guest page or more start on a page boundary.
 *
 * Models: slot allocation and release, exhaustion (no run found → the map fails, it never
 * blocks), exact pool and metadata memory (24 B per slot).
 * Does not model: min_align_mask (dynamic and transient pools: swiotlb-pool-set.ts). Pure data: no time.
 */

export const IO_TLB_SHIFT = 11;
export const IO_TLB_SIZE = 1 << IO_TLB_SHIFT;
export const IO_TLB_SEGSIZE = 128;
export const SLOT_METADATA_BYTES = 24;

export interface SwiotlbArea {
  readonly start: number;
  readonly nslots: number;
  /** Next-fit index, relative to the area start. */
  index: number;
  used: number;
}

export interface SwiotlbSlot {
  /** First slot index in the pool. */
  readonly slot: number;
  readonly nslots: number;
  /** Guest-physical address of the bounce buffer. */
  readonly addr: number;
  readonly area: number;
}

/** Linux's default area count: CPUs rounded up to a power of two, shrunk until each area has ≥ 128 slots. */
export function defaultAreas(cpus: number, nslabs: number): number {
  let n = 2 ** Math.ceil(Math.log2(Math.max(1, cpus)));
  while (n > 1 && nslabs / n < IO_TLB_SEGSIZE) n /= 2;
  return n;
}

export class SwiotlbPool {
  readonly nslabs: number;
  readonly areas: SwiotlbArea[] = [];
  private readonly used: Uint8Array;
  private usedSlots = 0;
  private peak = 0;

  constructor(
    readonly base: number,
    readonly bytes: number,
    nareas: number,
    readonly pageSize = 4096,
  ) {
    if (base % IO_TLB_SIZE !== 0) throw new RangeError('swiotlb pool base must be 2 KiB aligned');
    this.nslabs = Math.floor(bytes / IO_TLB_SIZE);
    if (this.nslabs < 1) throw new RangeError(`swiotlb pool of ${bytes} bytes has no slot`);
    if (!Number.isInteger(nareas) || nareas < 1 || (nareas & (nareas - 1)) !== 0) throw new RangeError(`swiotlb areas must be a power of two, got ${nareas}`);
    const per = Math.floor(this.nslabs / nareas);
    for (let i = 0; i < nareas; i++) this.areas.push({ start: i * per, nslots: i === nareas - 1 ? this.nslabs - i * per : per, index: 0, used: 0 });
    this.used = new Uint8Array(this.nslabs);
  }

  /** Pool bytes plus slot metadata. */
  get memoryBytes(): number {
    return this.nslabs * IO_TLB_SIZE + this.nslabs * SLOT_METADATA_BYTES;
  }

  get slotsInUse(): number {
    return this.usedSlots;
  }

  get peakSlots(): number {
    return this.peak;
  }

  /** True if [addr, addr + bytes) lies inside the pool. */
  contains(addr: number, bytes: number): boolean {
    return addr >= this.base && addr + bytes <= this.base + this.nslabs * IO_TLB_SIZE;
  }

  slotsFor(bytes: number): number {
    return Math.ceil(bytes / IO_TLB_SIZE);
  }

  /** Allocates slots for `bytes` starting in `cpu`'s area; null when the pool is full for this size. */
  alloc(bytes: number, cpu = 0): SwiotlbSlot | null {
    const n = this.slotsFor(bytes);
    if (n < 1 || n > IO_TLB_SEGSIZE) return null;
    const stride = bytes >= this.pageSize ? Math.max(1, this.pageSize / IO_TLB_SIZE) : 1;
    const first = cpu & (this.areas.length - 1);
    for (let k = 0; k < this.areas.length; k++) {
      const ai = (first + k) & (this.areas.length - 1);
      const s = this.searchArea(this.areas[ai]!, n, stride);
      if (s >= 0) {
        const area = this.areas[ai]!;
        for (let i = s; i < s + n; i++) this.used[i] = 1;
        area.used += n;
        area.index = (s + n - area.start) % area.nslots;
        this.usedSlots += n;
        if (this.usedSlots > this.peak) this.peak = this.usedSlots;
        return { slot: s, nslots: n, addr: this.base + s * IO_TLB_SIZE, area: ai };
      }
    }
    return null;
  }

  free(s: SwiotlbSlot): void {
    for (let i = s.slot; i < s.slot + s.nslots; i++) {
      if (this.used[i] !== 1) throw new Error(`swiotlb: freeing slot ${i} that is not in use`);
      this.used[i] = 0;
    }
    this.areas[s.area]!.used -= s.nslots;
    this.usedSlots -= s.nslots;
  }

  private searchArea(area: SwiotlbArea, n: number, stride: number): number {
    if (area.nslots - area.used < n) return -1;
    const align = (i: number): number => area.start + Math.ceil((i - area.start) / stride) * stride;
    let i = align(area.start + area.index);
    let scanned = 0;
    while (scanned < area.nslots) {
      if (i + n > area.start + area.nslots) {
        scanned += area.start + area.nslots - i;
        i = area.start;
        continue;
      }
      const segEnd = (Math.floor(i / IO_TLB_SEGSIZE) + 1) * IO_TLB_SEGSIZE;
      if (i + n > segEnd) {
        scanned += segEnd - i;
        i = align(segEnd);
        continue;
      }
      let busy = -1;
      for (let j = i + n - 1; j >= i; j--) {
        if (this.used[j] === 1) {
          busy = j;
          break;
        }
      }
      if (busy < 0) return i;
      const next = align(busy + 1);
      scanned += next - i;
      i = next;
    }
    return -1;
  }
}
