/**
 * The guest's allocator of bus pages inside one DMA window (Linux iommu_range_alloc on a TCE
 * table's bitmap).
 *
 * Models: one bit per IOMMU page; windows of 1 GiB or more are split into 4 pools over the lower
 * 3/4 and a large pool over the top 1/4 (requests of more than 15 pages); a pool is chosen by the
 * CPU; next-fit from the pool's hint, which moves to the next 16-page block after small
 * allocations; when the pool is full: retry from its start, then the other pools, then the large
 * pool; page 0 of a window at bus address 0 is never handed out; an allocation never crosses a
 * segment boundary and honours an alignment order.
 * The bitmap is sparse (mem/sparse.ts: chunks allocated when first used), so a window of up to
 * the largest block QEMU offers (2^31 pages) costs memory only where it is used.
 * Does not model: the DMA-mask limit (devices here are 64-bit capable), lock hold time (charged by
 * the caller). Pure data: no time.
 */
import { SparseBits } from '../../mem/sparse';

const NR_POOLS = 4;
const LARGE_ALLOC = 15;

interface Pool {
  start: number;
  end: number;
  hint: number;
}

export class WindowAllocator {
  private readonly map = new SparseBits();
  readonly pools: Pool[] = [];
  readonly largePool: Pool;
  private used = 0;

  /**
   * @param size pages in the window
   * @param offset the window's first bus page number (it_offset)
   * @param blockSize hint granularity for small allocations (it_blocksize)
   * @param boundaryPages an allocation never crosses a multiple of this many pages (segment boundary)
   */
  constructor(
    readonly size: number,
    readonly offset = 0,
    readonly blockSize = 16,
    readonly boundaryPages = Infinity,
    windowBytes = 0,
  ) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`window allocator needs a positive page count, got ${size}`);
    if (offset === 0) this.reserve(0);
    const nrPools = windowBytes >= 2 ** 30 ? NR_POOLS : 1;
    const poolSize = Math.floor(Math.floor((size * 3) / 4) / nrPools);
    for (let i = 0; i < nrPools; i++) this.pools.push({ start: poolSize * i, end: poolSize * (i + 1), hint: poolSize * i });
    this.largePool = { start: poolSize * nrPools, end: size, hint: poolSize * nrPools };
  }

  get usedPages(): number {
    return this.used;
  }

  isUsed(page: number): boolean {
    return this.map.has(page);
  }

  /** The pool a request of `npages` from `cpu` starts in: 0..pools-1, or pools.length for the large pool (whose lock it takes first). */
  poolFor(npages: number, cpu: number): number {
    return npages > LARGE_ALLOC ? this.pools.length : cpu & (this.pools.length - 1);
  }

  /** The pool that owns window page `page` (whose lock a free takes). */
  poolOf(page: number): number {
    if (page >= this.largePool.start) return this.pools.length;
    return Math.floor(page / (this.pools[0]!.end - this.pools[0]!.start));
  }

  /** Allocates `npages` for a request from `cpu`; returns the first page index in the window, or -1. */
  alloc(npages: number, cpu = 0, alignOrder = 0): number {
    if (!Number.isInteger(npages) || npages < 1) return -1;
    const large = npages > LARGE_ALLOC;
    let poolNr = cpu & (this.pools.length - 1);
    let pool = large ? this.largePool : this.pools[poolNr]!;
    const alignMask = 2 ** alignOrder - 1;
    for (let pass = 0; ; pass++) {
      let start = pool.hint;
      if (start >= pool.end) start = pool.start;
      const n = this.findArea(start, pool.end, npages, alignMask);
      if (n >= 0) {
        for (let i = n; i < n + npages; i++) this.map.add(i);
        this.used += npages;
        const end = n + npages;
        pool.hint = large ? end : Math.ceil(end / this.blockSize) * this.blockSize;
        return n;
      }
      if (pass === 0) {
        pool.hint = pool.start;
      } else if (pass <= this.pools.length) {
        poolNr = (poolNr + 1) & (this.pools.length - 1);
        pool = this.pools[poolNr]!;
        pool.hint = pool.start;
      } else if (pass === this.pools.length + 1) {
        pool = this.largePool;
        pool.hint = pool.start;
      } else {
        return -1;
      }
    }
  }

  free(first: number, npages: number): void {
    if (first < 0 || first + npages > this.size) throw new RangeError(`free of pages ${first}+${npages} outside window of ${this.size}`);
    for (let i = first; i < first + npages; i++) {
      if (!this.map.has(i)) throw new Error(`free of page ${i} that is not allocated`);
    }
    for (let i = first; i < first + npages; i++) this.map.delete(i);
    this.used -= npages;
  }

  /** True if anything besides the reserved page 0 is allocated (iommu_table_in_use). */
  inUse(): boolean {
    return this.used > (this.offset === 0 && this.map.has(0) ? 1 : 0);
  }

  private reserve(page: number): void {
    this.map.add(page);
    this.used++;
  }

  /** First free run of npages in [start, limit) whose bus page number is aligned and which crosses no boundary; -1 if none. */
  private findArea(start: number, limit: number, npages: number, alignMask: number): number {
    let index = start;
    while (index + npages <= limit) {
      const bus = index + this.offset;
      const aligned = (Math.ceil(bus / (alignMask + 1)) * (alignMask + 1)) - this.offset;
      if (aligned !== index) {
        index = aligned;
        continue;
      }
      if (this.boundaryPages !== Infinity) {
        const seg = Math.floor(bus / this.boundaryPages);
        if (Math.floor((bus + npages - 1) / this.boundaryPages) !== seg) {
          index = (seg + 1) * this.boundaryPages - this.offset;
          continue;
        }
      }
      let busyAt = -1;
      for (let i = index + npages - 1; i >= index; i--) {
        if (this.map.has(i)) {
          busyAt = i;
          break;
        }
      }
      if (busyAt < 0) return index;
      index = busyAt + 1;
    }
    return -1;
  }
}
