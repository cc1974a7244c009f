/**
 * Linux's IOVA allocator (drivers/iommu/iova.c, 6.x) as data: per-CPU range caches (the rcache)
 * in front of a red-black tree of allocated ranges (iova-tree.ts) searched top-down from a cached
 * node. O(log n) per tree operation; a cache hit touches no tree.
 *
 * Models (DOMAIN.md §2):
 * - alloc_iova_fast: requests under 32 pages are rounded up to a power of two; every allocation is
 *   aligned to its size rounded up to a power of two (size_aligned), but a request of 33+ pages
 *   reserves only what it asked for; the rcache is tried first, then the tree; when the tree is
 *   full, every CPU's magazines and the depot are freed back to it and the tree is tried once more.
 * - the rcache: 6 size classes (1..32 pages, order_base_2 of the size); per CPU a loaded and a
 *   previous magazine of up to 127 PFNs; a free into a full loaded magazine swaps with an empty
 *   previous one or pushes the full magazine onto the class's depot (LIFO, unbounded) and starts
 *   an empty one; an allocation from an empty loaded magazine swaps with a non-empty previous one
 *   or takes a full magazine from the depot.
 * - the tree walk (__alloc_and_insert_iova_range): start at cached_node (cached32_node when the
 *   limit is at or below 4 GiB), walk down through rb_prev taking the highest aligned slot below
 *   each range; if none fits down to the start pfn, retry once in the space above the cached node;
 *   a failure below 4 GiB records max32_alloc_size, which later 32-bit requests of that size or
 *   more fail on at once until something below 4 GiB is freed. An anchor range at the top of the
 *   space ends every walk. Inserts move the cached node to the new range; frees at or above it
 *   move it to the freed range's successor (__cached_rbnode_delete_update).
 * The caller learns whether the tree (and its lock) was needed, so the timing layer can charge it.
 * Does not model: the 100 ms depot trimming worker, CPU-hotplug flushing, magazine allocation
 * failure, the per-pop limit check of iova_magazine_pop (one limit per domain here), and the
 * time of the exhaustion flush beyond the one tree operation the caller charges.
 */
import { IovaTree, NIL } from './iova-tree';

/** log2 of the largest cached range + 1 (IOVA_RANGE_CACHE_MAX_SIZE). */
export const RCACHE_CLASSES = 6;
/** PFNs per magazine (IOVA_MAG_SIZE). */
export const MAG_SIZE = 127;
/** PFN one past 4 GiB at 4 KiB granule (dma_32bit_pfn). */
const DMA_32BIT_PFN = 2 ** 32 / 4096;
/** The anchor range's pfn: above any limit (IOVA_ANCHOR is ~0UL in Linux). */
const ANCHOR_PFN = Number.MAX_SAFE_INTEGER;

export interface IovaAlloc {
  readonly pfn: number;
  /** Pages reserved: the request rounded up to a power of two under 32 pages, else the request. */
  readonly pages: number;
  /** True when the tree (global lock) was used. */
  readonly tree: boolean;
}

interface CpuCache {
  loaded: number[];
  prev: number[];
}

export function roundUpPow2(n: number): number {
  // A shift below 2^30 (`**` is a Math.pow call on every allocation).
  const k = order(n);
  return k < 31 ? 1 << k : 2 ** k;
}

/** Requests below this many pages are rounded up to a power of two (2^(RCACHE_CLASSES-1)). */
const ROUNDED_BELOW = 1 << (RCACHE_CLASSES - 1);

/** order_base_2: the smallest k with 2^k ≥ n (clz32 below 2^31 pages, log2 above). */
function order(n: number): number {
  if (n <= 1) return 0;
  return n <= 2 ** 31 ? 32 - Math.clz32(n - 1) : Math.ceil(Math.log2(n));
}

/** Exchanges the loaded and previous magazines. */
function swap(c: CpuCache): void {
  const t = c.loaded;
  c.loaded = c.prev;
  c.prev = t;
}

export class IovaAllocator {
  private readonly tree = new IovaTree();
  private readonly anchor: number;
  private cachedNode: number;
  private cached32Node: number;
  /** Smallest 32-bit request known to fail (max32_alloc_size). */
  private max32AllocSize = DMA_32BIT_PFN;
  private pagesInTree = 0;
  private readonly cpus: CpuCache[][] = [];
  private readonly depot: number[][][] = Array.from({ length: RCACHE_CLASSES }, () => []);
  treeAllocs = 0;
  treeFrees = 0;
  cacheHits = 0;
  /** Exhaustion flushes of every rcache back to the tree. */
  rcacheFlushes = 0;

  constructor(
    /** Lowest allocatable pfn. */
    readonly startPfn: number,
    /** One past the highest allocatable pfn (the DMA mask + 1, in pages). */
    readonly limitPfn: number,
  ) {
    if (!(limitPfn > startPfn)) throw new RangeError('IOVA space is empty');
    this.anchor = this.tree.insert(ANCHOR_PFN, ANCHOR_PFN);
    this.cachedNode = this.anchor;
    this.cached32Node = this.anchor;
  }

  /** Pages held in the tree (allocated, or cached in magazines, which the tree still counts as allocated). */
  get treePages(): number {
    return this.pagesInTree;
  }

  /** Ranges in the tree (the anchor aside). */
  get treeNodes(): number {
    return this.tree.size - 1;
  }

  /** Checks the tree's red-black invariants (tests). */
  checkTree(): void {
    this.tree.check();
  }

  /** The tree's ranges in order (the anchor aside), for tests. */
  ranges(): [number, number][] {
    return this.tree.ranges().slice(0, -1);
  }

  alloc(pages: number, cpu: number): IovaAlloc | null {
    const cached = this.allocCached(pages, cpu);
    if (cached !== null) return cached;
    const size = pages < ROUNDED_BELOW ? roundUpPow2(pages) : pages;
    let pfn = this.treeAlloc(size, this.limitPfn);
    if (pfn < 0) {
      this.flushRcaches();
      pfn = this.treeAlloc(size, this.limitPfn);
    }
    if (pfn < 0) return null;
    return { pfn, pages: size, tree: true };
  }

  /**
   * alloc when `cpu`'s magazines or the depot serve it, touching no tree (and so no lock): the
   * caller may then charge the call as one hold. Null, and nothing changed, when only the tree could.
   */
  allocCached(pages: number, cpu: number): IovaAlloc | null {
    const size = pages < ROUNDED_BELOW ? roundUpPow2(pages) : pages;
    const cls = order(size);
    if (cls >= RCACHE_CLASSES) return null;
    const pfn = this.cacheGet(cls, cpu);
    if (pfn === undefined) return null;
    this.cacheHits++;
    return { pfn, pages: size, tree: false };
  }

  /**
   * free_iova_fast: `pages` is the size the caller mapped (rounded as at allocation). Returns true
   * when the range went back to the tree (lock taken), false when a magazine took it.
   */
  free(pfn: number, pages: number, cpu: number): boolean {
    const cls = order(pages);
    if (cls < RCACHE_CLASSES) {
      this.cachePut(cls, cpu, pfn);
      return false;
    }
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
      if (c.prev.length > 0) swap(c);
      else if (this.depot[cls]!.length > 0) c.loaded = this.depot[cls]!.pop()!;
      else return undefined;
    }
    return c.loaded.pop();
  }

  private cachePut(cls: number, cpu: number, pfn: number): void {
    const c = this.cpuCache(cls, cpu);
    if (c.loaded.length >= MAG_SIZE) {
      if (c.prev.length < MAG_SIZE) swap(c);
      else {
        this.depot[cls]!.push(c.loaded);
        c.loaded = [];
      }
    }
    c.loaded.push(pfn);
  }

  /** free_cpu_cached_iovas for every CPU (by index; per class, loaded then prev), then free_global_cached_iovas. */
  private flushRcaches(): void {
    this.rcacheFlushes++;
    for (const perCpu of this.cpus) {
      if (perCpu === undefined) continue;
      for (const c of perCpu) {
        if (c === undefined) continue;
        for (const p of c.loaded) this.treeFree(p);
        for (const p of c.prev) this.treeFree(p);
        c.loaded = [];
        c.prev = [];
      }
    }
    for (const mags of this.depot) {
      while (mags.length > 0) for (const p of mags.pop()!) this.treeFree(p);
    }
  }

  /** __alloc_and_insert_iova_range with size_aligned; `limitPfn` is one past the highest usable pfn. Returns the pfn or -1. */
  private treeAlloc(size: number, limitPfn: number): number {
    const t = this.tree;
    const align = roundUpPow2(size);
    const low32 = limitPfn <= DMA_32BIT_PFN;
    if (low32 && size >= this.max32AllocSize) return -1;
    let high = limitPfn;
    let low = this.startPfn;
    let curr = low32 ? this.cached32Node : this.cachedNode;
    const retryPfn = t.hi[curr]!;
    let newPfn: number;
    let prev: number;
    for (;;) {
      do {
        high = Math.min(high, t.lo[curr]!);
        newPfn = high >= size ? Math.floor((high - size) / align) * align : -1;
        prev = curr;
        curr = t.prev(curr);
      } while (curr !== NIL && newPfn >= 0 && newPfn <= t.hi[curr]! && newPfn >= low);
      if (high >= size && newPfn >= low) break;
      if (low === this.startPfn && retryPfn < limitPfn) {
        // Retry once in the space above the cached node, from the first range at the limit.
        high = limitPfn;
        low = retryPfn + 1;
        curr = limitPfn > DMA_32BIT_PFN ? this.anchor : t.ceiling(limitPfn);
        continue;
      }
      this.max32AllocSize = size;
      return -1;
    }
    // As Linux, insert from the range just above the slot: the slot is in its left subtree.
    const node = t.insert(newPfn, newPfn + size - 1, prev);
    if (newPfn + size - 1 < DMA_32BIT_PFN) this.cached32Node = node;
    else this.cachedNode = node;
    this.pagesInTree += size;
    this.treeAllocs++;
    return newPfn;
  }

  /**
   * private_find_iova, looking first at the cached node and its neighbours: a ring frees next to
   * where it last allocated. Elsewhere an O(log n) search from the root. The range found is the
   * same either way; only the simulator's work differs.
   */
  private findNear(pfn: number): number {
    const t = this.tree;
    const c = this.cachedNode;
    if (c !== this.anchor) {
      if (pfn >= t.lo[c]! && pfn <= t.hi[c]!) return c;
      const n = pfn < t.lo[c]! ? t.prev(c) : t.next(c);
      if (n !== NIL && pfn >= t.lo[n]! && pfn <= t.hi[n]!) return n;
    }
    return t.find(pfn);
  }

  /** free_iova: find the range holding `pfn`, move the cached nodes off it, erase it. */
  private treeFree(pfn: number): void {
    const t = this.tree;
    const node = this.findNear(pfn);
    if (node === NIL || node === this.anchor) throw new Error(`IOVA free of pfn ${pfn}, which is not allocated`);
    const lo = t.lo[node]!;
    const hi = t.hi[node]!;
    const next = t.next(node);
    if (node === this.cached32Node || (hi < DMA_32BIT_PFN && lo >= t.lo[this.cached32Node]!)) this.cached32Node = next;
    if (lo < DMA_32BIT_PFN) this.max32AllocSize = DMA_32BIT_PFN;
    if (lo >= t.lo[this.cachedNode]!) this.cachedNode = next;
    t.erase(node);
    this.pagesInTree -= hi - lo + 1;
    this.treeFrees++;
  }
}
