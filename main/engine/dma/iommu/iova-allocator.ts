/**
 * Linux's IOVA allocator (drivers/iommu/iova.c) as data: sizes rounded up to a power of two and
 * aligned to it, a top-down search of the address space below the DMA limit ("the tree", under a
 * global lock), and per-CPU range caches in front of it.
 *
 * Models (DOMAIN.md §2): 6 cached size classes (1, 2, 4, 8, 16, 32 pages); each CPU has a loaded
 * and a previous magazine of up to 127 PFNs; full magazines go to a per-class depot and empty
 * ones are refilled from it; a miss in every cache falls back to the tree. The caller learns
 * whether the tree (and its lock) was needed, so the timing layer can charge it.
 * Does not model: the 100 ms depot trimming worker, 32-bit-first retries, CPU-hotplug flushing.
 */

export const RCACHE_CLASSES = 6;
export const MAG_SIZE = 127;

export interface IovaAlloc {
  readonly pfn: number;
  /** Pages reserved (the request rounded up to a power of two). */
  readonly pages: number;
  /** True when the tree (global lock) was used. */
  readonly tree: boolean;
}

interface CpuCache {
  loaded: number[];
  prev: number[];
}

export function roundUpPow2(n: number): number {
  if (n <= 1) return 1;
  return 2 ** Math.ceil(Math.log2(n));
}

export class IovaAllocator {
  /** Allocated ranges in the tree, sorted by start pfn: [start, pages]. */
  private readonly starts: number[] = [];
  private readonly sizes: number[] = [];
  private readonly cpus: CpuCache[][] = [];
  private readonly depot: number[][][] = Array.from({ length: RCACHE_CLASSES }, () => []);
  treeAllocs = 0;
  treeFrees = 0;
  cacheHits = 0;

  constructor(
    /** Lowest allocatable pfn. */
    readonly startPfn: number,
    /** One past the highest allocatable pfn (the DMA mask). */
    readonly limitPfn: number,
  ) {
    if (!(limitPfn > startPfn)) throw new RangeError('IOVA space is empty');
  }

  /** Pages held in the tree (allocated, or cached in magazines, which the tree still counts as allocated). */
  get treePages(): number {
    return this.sizes.reduce((a, b) => a + b, 0);
  }

  get treeNodes(): number {
    return this.starts.length;
  }

  alloc(pages: number, cpu: number): IovaAlloc | null {
    const size = roundUpPow2(pages);
    const cls = Math.log2(size);
    if (cls < RCACHE_CLASSES) {
      const pfn = this.cacheGet(cls, cpu);
      if (pfn !== undefined) {
        this.cacheHits++;
        return { pfn, pages: size, tree: false };
      }
    }
    const pfn = this.treeAlloc(size);
    if (pfn === null) return null;
    return { pfn, pages: size, tree: true };
  }

  /** Frees an allocation; returns true when it went back to the tree (lock taken), false when a magazine took it. */
  free(pfn: number, pages: number, cpu: number): boolean {
    const cls = Math.log2(roundUpPow2(pages));
    if (cls < RCACHE_CLASSES && this.cachePut(cls, cpu, pfn)) return false;
    this.treeFree(pfn);
    return true;
  }

  private cpuCache(cls: number, cpu: number): CpuCache {
    const perCpu = (this.cpus[cpu] ??= []);
    return (perCpu[cls] ??= { loaded: [], prev: [] });
  }

  private cacheGet(cls: number, cpu: number): number | undefined {
    const c = this.cpuCache(cls, cpu);
    if (c.loaded.length === 0) {
      if (c.prev.length > 0) [c.loaded, c.prev] = [c.prev, c.loaded];
      else if (this.depot[cls]!.length > 0) c.loaded = this.depot[cls]!.pop()!;
      else return undefined;
    }
    return c.loaded.pop();
  }

  private cachePut(cls: number, cpu: number, pfn: number): boolean {
    const c = this.cpuCache(cls, cpu);
    if (c.loaded.length >= MAG_SIZE) {
      if (c.prev.length === 0) [c.loaded, c.prev] = [c.prev, c.loaded];
      else {
        this.depot[cls]!.push(c.loaded);
        c.loaded = [];
      }
    }
    c.loaded.push(pfn);
    return true;
  }

  /** Top-down first fit below the limit, aligned to the (power-of-two) size, as alloc_iova with size_aligned. */
  private treeAlloc(size: number): number | null {
    let ceiling = this.limitPfn;
    for (let i = this.starts.length - 1; i >= -1; i--) {
      const floor = i >= 0 ? this.starts[i]! + this.sizes[i]! : this.startPfn;
      const candidate = Math.floor((ceiling - size) / size) * size;
      if (candidate >= floor && candidate >= this.startPfn) {
        this.insert(i + 1, candidate, size);
        this.treeAllocs++;
        return candidate;
      }
      if (i >= 0) ceiling = Math.min(ceiling, this.starts[i]!);
    }
    return null;
  }

  private treeFree(pfn: number): void {
    const i = this.find(pfn);
    if (i < 0) throw new Error(`IOVA free of pfn ${pfn}, which is not allocated`);
    this.starts.splice(i, 1);
    this.sizes.splice(i, 1);
    this.treeFrees++;
  }

  private insert(at: number, pfn: number, size: number): void {
    this.starts.splice(at, 0, pfn);
    this.sizes.splice(at, 0, size);
  }

  private find(pfn: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.starts[mid]!;
      if (s === pfn) return mid;
      if (s < pfn) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
