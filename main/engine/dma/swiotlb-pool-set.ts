/**
 * Dynamic swiotlb's pools as data (Linux CONFIG_SWIOTLB_DYNAMIC): the default pool, pools the
 * background worker adds, and transient pools made for one mapping when every pool was full.
 *
 * Models (DOMAIN.md §7): a search of the pools in order (default first, then those added, as
 * the RCU list is walked linearly); a transient pool of exactly the request's slots (rounded to
 * whole pages) that dies when its mapping is unmapped; the worker's pool size
 * (default_nslabs, at most what one page allocation of MAX_PAGE_ORDER gives, at least
 * IO_TLB_MIN_SLABS = 1 MiB); exact memory of every pool and its metadata. Pure data: who
 * converts the pools' memory to shared, and when, is the caller's (swiotlb.ts, the CVM model).
 * Does not model: pool removal by the worker, per-device pools (restricted-dma).
 */
import { IO_TLB_SIZE, SwiotlbPool, type SwiotlbArea, type SwiotlbSlot } from './swiotlb-pool';

/** IO_TLB_MIN_SLABS: the smallest pool the worker adds (1 MiB of slots). */
export const IO_TLB_MIN_BYTES = 2 ** 20;
/** One allocation of MAX_PAGE_ORDER (10) pages of 4 KiB: the largest pool the worker can get. */
export const MAX_ORDER_BYTES = 4 * 2 ** 20;

/** What the bouncer needs of its slots: the default pool alone, or a dynamic set. */
export interface BouncePool {
  /** Guest-physical base of the default pool. */
  readonly base: number;
  /** Areas of the default pool: one lock each. */
  readonly areas: readonly SwiotlbArea[];
  readonly slotsInUse: number;
  /** Bytes of every pool plus slot metadata. */
  readonly memoryBytes: number;
  alloc(bytes: number, cpu: number): SwiotlbSlot | null;
  free(s: SwiotlbSlot): void;
  /** True if [addr, addr + bytes) lies inside one pool (device-side reachability). */
  contains(addr: number, bytes: number): boolean;
}

export interface PoolRecord {
  readonly pool: SwiotlbPool;
  readonly transient: boolean;
}

export class SwiotlbPoolSet implements BouncePool {
  private readonly pools: PoolRecord[] = [];
  /** Pool of each live slot, by slot address (slot objects are per pool). */
  private readonly owner = new Map<number, PoolRecord>();
  private inUse = 0;
  private peakBytes: number;

  constructor(readonly defaultPool: SwiotlbPool) {
    this.pools.push({ pool: defaultPool, transient: false });
    this.peakBytes = this.poolBytes;
  }

  /** The largest total pool size (without metadata) at any instant. */
  get peakPoolBytes(): number {
    return this.peakBytes;
  }

  get base(): number {
    return this.defaultPool.base;
  }

  get areas(): readonly SwiotlbArea[] {
    return this.defaultPool.areas;
  }

  get slotsInUse(): number {
    return this.inUse;
  }

  get memoryBytes(): number {
    return this.pools.reduce((s, p) => s + p.pool.memoryBytes, 0);
  }

  /** Pools other than the default (added and transient) currently alive. */
  get extraPools(): number {
    return this.pools.length - 1;
  }

  get transientPools(): number {
    return this.pools.filter((p) => p.transient).length;
  }

  /** Bytes of all pools (without metadata): what is shared with the host. */
  get poolBytes(): number {
    return this.pools.reduce((s, p) => s + p.pool.nslabs * IO_TLB_SIZE, 0);
  }

  alloc(bytes: number, cpu: number): SwiotlbSlot | null {
    for (const rec of this.pools) {
      if (rec.transient) continue;
      const s = rec.pool.alloc(bytes, cpu);
      if (s !== null) return this.took(rec, s);
    }
    return null;
  }

  /** Adds a pool the worker allocated at `base` (its memory already converted to shared). */
  addPool(base: number, bytes: number): SwiotlbPool {
    const pool = new SwiotlbPool(base, bytes, 1);
    this.pools.push({ pool, transient: false });
    this.peakBytes = Math.max(this.peakBytes, this.poolBytes);
    return pool;
  }

  /** A transient pool for one mapping of `bytes` at `base`; returns the slot in it. */
  addTransient(base: number, bytes: number): SwiotlbSlot {
    const pool = new SwiotlbPool(base, transientBytes(bytes), 1);
    const rec = { pool, transient: true };
    this.pools.push(rec);
    this.peakBytes = Math.max(this.peakBytes, this.poolBytes);
    const s = pool.alloc(bytes, 0);
    if (s === null) throw new Error('swiotlb: transient pool cannot hold its own mapping');
    return this.took(rec, s);
  }

  /** Frees a slot; returns the transient pool it ended (its memory goes back), or null. */
  freeSlot(s: SwiotlbSlot): SwiotlbPool | null {
    const rec = this.owner.get(s.addr);
    if (rec === undefined) throw new Error(`swiotlb: freeing slot at ${s.addr} that no pool holds`);
    rec.pool.free(s);
    this.owner.delete(s.addr);
    this.inUse -= s.nslots;
    if (!rec.transient) return null;
    this.pools.splice(this.pools.indexOf(rec), 1);
    return rec.pool;
  }

  free(s: SwiotlbSlot): void {
    this.freeSlot(s);
  }

  contains(addr: number, bytes: number): boolean {
    return this.pools.some((p) => addr >= p.pool.base && addr + bytes <= p.pool.base + p.pool.nslabs * IO_TLB_SIZE);
  }

  private took(rec: PoolRecord, s: SwiotlbSlot): SwiotlbSlot {
    this.owner.set(s.addr, rec);
    this.inUse += s.nslots;
    return s;
  }
}

/** A transient pool's size: the request's slots, rounded up to whole 4 KiB pages. */
export function transientBytes(bytes: number): number {
  return Math.ceil(Math.max(1, bytes) / 4096) * 4096;
}

/** The worker's pool size: the default pool size, within [1 MiB, 4 MiB] (one MAX_PAGE_ORDER allocation). */
export function workerPoolBytes(defaultBytes: number): number {
  return Math.max(IO_TLB_MIN_BYTES, Math.min(MAX_ORDER_BYTES, defaultBytes));
}
