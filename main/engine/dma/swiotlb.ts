/**
 * Timing of swiotlb bounce buffering, on top of the pure pool (swiotlb-pool.ts). Reusable by any
 * guest whose devices cannot reach its private memory (PEF secure guests, CVMs).
 *
 * Models: slot allocation and release under the area's lock (a resource per area, so CPUs
 * mapping at once contend only when they start in the same area; the locks of the areas a full
 * area falls back to are not charged); the bounce copy on the vCPU at
 * map for to-device data and at unmap for from-device data, at guest.memcpy_bytes_per_ns;
 * exhaustion as a failed map; with a growth hook (dynamic swiotlb, swiotlb-pool-set.ts), a map
 * that finds every pool full asks the hook for a transient pool before it fails, and an unmap
 * hands the slot to the hook, which ends transient pools.
 * Does not model: dma_sync_* partial syncs; the locks of pools other than the default one (their
 * slots are released under the default pool's area-0 lock).
 */
import { Resource, type Environment, type ProcessGenerator } from '../kernel';
import type { Costs } from '../costs/costs';
import type { Counter, Metrics } from '../metrics/collector';
import type { Vcpu } from '../machine/vcpu';
import type { Direction, DmaPath, Mapping } from './path';
import { FRAME, frameAt, splitSafe } from '../mem/addr';
import { SparseArray } from '../mem/sparse';
import { IO_TLB_SIZE, type SwiotlbSlot } from './swiotlb-pool';
import type { BouncePool } from './swiotlb-pool-set';
import { CORE_COSTS } from '../../common/profile/core';
import { SWIOTLB_COSTS } from '../../common/profile/swiotlb';
import { SWIOTLB_METRICS } from '../../common/metrics/swiotlb';

export interface Bounce {
  readonly slot: SwiotlbSlot;
  readonly bytes: number;
  readonly dir: Direction;
}

/** Dynamic swiotlb's side of the bouncer (the CVM model converts the pools' memory). */
export interface SwiotlbGrowth {
  /** Every pool was full for `bytes`: may make a transient pool and return a slot in it (on the mapping vCPU). */
  onFull(cpu: Vcpu, bytes: number): ProcessGenerator<SwiotlbSlot | null>;
  /** Releases a slot; ends (and converts back) the transient pool it was the only mapping of. */
  onFree(cpu: Vcpu, slot: SwiotlbSlot): ProcessGenerator<void>;
}

export class SwiotlbBouncer {
  private readonly locks: Resource[];
  private readonly allocNs: number;
  private readonly freeNs: number;
  private readonly bounced: Counter;
  private readonly maps: Counter;
  private readonly full: Counter;

  constructor(
    private readonly env: Environment,
    private readonly costs: Costs,
    private readonly metrics: Metrics,
    readonly pool: BouncePool,
    name: string,
    private readonly growth: SwiotlbGrowth | null = null,
  ) {
    this.locks = pool.areas.map((_, i) => new Resource(env, `${name}.swiotlb.area${i}`, 1));
    this.allocNs = costs.ns(SWIOTLB_COSTS.allocNs);
    this.freeNs = costs.ns(SWIOTLB_COSTS.freeNs);
    this.bounced = metrics.counter(SWIOTLB_METRICS.bounceBytes);
    this.maps = metrics.counter(SWIOTLB_METRICS.maps);
    this.full = metrics.counter(SWIOTLB_METRICS.full);
  }

  /** Bounces a buffer on the vCPU the caller holds; null if the pool is full. */
  *map(cpu: Vcpu, bytes: number, dir: Direction): ProcessGenerator<Bounce | null> {
    const first = cpu.index & (this.pool.areas.length - 1);
    const lock = this.locks[first]!;
    if (!lock.tryAcquire()) yield lock.request();
    let slot: SwiotlbSlot | null;
    try {
      if (!this.env.advance(this.allocNs)) yield this.allocNs;
      slot = this.pool.alloc(bytes, cpu.index);
    } finally {
      lock.release();
    }
    if (slot === null && this.growth !== null) slot = yield* this.growth.onFull(cpu, bytes);
    if (slot === null) {
      this.full.inc();
      return null;
    }
    this.maps.inc();
    if (dir !== 'from-device') yield* this.copy(bytes);
    this.metrics.gaugeMax(SWIOTLB_METRICS.usedSlotsMax, this.pool.slotsInUse);
    return { slot, bytes, dir };
  }

  *unmap(cpu: Vcpu, b: Bounce): ProcessGenerator<void> {
    if (b.dir !== 'to-device') yield* this.copy(b.bytes);
    const lock = this.locks[b.slot.area] ?? this.locks[0]!;
    if (!lock.tryAcquire()) yield lock.request();
    try {
      if (!this.env.advance(this.freeNs)) yield this.freeNs;
      if (this.growth === null) this.pool.free(b.slot);
    } finally {
      lock.release();
    }
    if (this.growth !== null) yield* this.growth.onFree(cpu, b.slot);
  }

  finish(): void {
    this.metrics.gauge(SWIOTLB_METRICS.memSwiotlbBytes, this.pool.memoryBytes);
  }

  private *copy(bytes: number): ProcessGenerator<void> {
    const ns = this.costs.transferNs(bytes, CORE_COSTS.guestMemcpyBytesPerNs);
    if (!this.env.advance(ns)) yield ns;
    this.bounced.inc(bytes);
  }
}

/**
 * dma-direct with forced bouncing: the device sees the bounce slot's address (the pool is shared
 * memory it may reach), never the buffer's.
 */
export class SwiotlbPath implements DmaPath {
  readonly name = 'swiotlb';
  /** Live bounces by the absolute slot number of their address (address / 2 KiB; Linux finds the slot from the address the same way). */
  private readonly live = new SparseArray<Bounce>();

  constructor(
    private readonly bouncer: SwiotlbBouncer,
    private readonly env: Environment,
  ) {}

  *probe(_cpu: Vcpu): ProcessGenerator<void> {}

  *map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null> {
    const b = yield* this.bouncer.map(cpu, bytes, dir);
    if (b === null) return null;
    this.live.set(b.slot.addr / IO_TLB_SIZE, b);
    const { pfn, off } = splitSafe(b.slot.addr);
    return { iovaPfn: pfn, iovaOff: off, bytes, dir, gpa };
  }

  *unmap(cpu: Vcpu, m: Mapping): ProcessGenerator<void> {
    const addr = m.iovaPfn * FRAME + m.iovaOff;
    const b = addr <= Number.MAX_SAFE_INTEGER && addr % IO_TLB_SIZE === 0 ? this.live.take(addr / IO_TLB_SIZE) : undefined;
    if (b === undefined) throw new Error(`swiotlb: unmap of ${addr} that is not mapped (at ${this.env.now} ns)`);
    yield* this.bouncer.unmap(cpu, b);
  }

  *translate(pfn: number, off: number, bytes: number, _write: boolean): ProcessGenerator<boolean> {
    // Pools lie in guest RAM (safe integers): an address beyond 2^53 is never rounded into one.
    if (frameAt(pfn, off) * FRAME > Number.MAX_SAFE_INTEGER) return false;
    return this.bouncer.pool.contains(pfn * FRAME + off, bytes);
  }
}
