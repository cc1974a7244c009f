/**
 * Dynamic swiotlb's timing (CONFIG_SWIOTLB_DYNAMIC, kernel/dma/swiotlb.c): what happens when a
 * map finds every pool full, on top of the pool set (swiotlb-pool-set.ts).
 *
 * Models (DOMAIN.md §7): the mapping CPU allocates a transient pool of exactly the request and
 * makes it shared (the guest's conversion path, charged where it runs), and schedules the
 * background worker once; the worker, on its own vCPU, allocates a pool of 1–4 MiB, makes it
 * shared and adds it to the list; unmapping the last slot of a transient pool makes its memory
 * private again and frees it. How memory is made shared or private is the caller's (a CVM
 * model's conversion path through `SharedMemory`).
 * Does not model: the atomic DMA pool Linux takes transient pools from in atomic context (it
 * is refilled by the same conversions), the worker giving up after allocation failures.
 */
import type { Environment, ProcessGenerator } from '../kernel';
import type { Vcpu } from '../machine/vcpu';
import type { SwiotlbGrowth } from './swiotlb';
import type { SwiotlbSlot } from './swiotlb-pool';
import { transientBytes, workerPoolBytes, type SwiotlbPoolSet } from './swiotlb-pool-set';

/** Guest memory made shared with the host (set_memory_decrypted) and back (set_memory_encrypted). */
export interface SharedMemory {
  /** Allocates `bytes` of guest memory aligned to `align` and converts it to shared; null if the guest has none left. */
  allocShared(cpu: Vcpu, bytes: number, align: number): ProcessGenerator<number | null>;
  /** Converts [gpa, gpa + bytes) back to private and frees it. */
  freeShared(cpu: Vcpu, gpa: number, bytes: number): ProcessGenerator<void>;
}

export interface DynamicStats {
  transientPools: number;
  workerPools: number;
}

export class DynamicSwiotlb implements SwiotlbGrowth {
  private workerPending = false;
  readonly stats: DynamicStats = { transientPools: 0, workerPools: 0 };

  constructor(
    private readonly env: Environment,
    readonly pools: SwiotlbPoolSet,
    private readonly mem: SharedMemory,
    /** The vCPU the background worker (a kworker) runs on. */
    private readonly workerCpu: Vcpu,
    private readonly name: string,
    /** Called whenever a pool appears or ends (occupancy and size gauges). */
    private readonly onChange: () => void = () => {},
  ) {}

  *onFull(cpu: Vcpu, bytes: number): ProcessGenerator<SwiotlbSlot | null> {
    this.kickWorker();
    const size = transientBytes(bytes);
    const base = yield* this.mem.allocShared(cpu, size, 4096);
    if (base === null) return null;
    this.stats.transientPools++;
    const slot = this.pools.addTransient(base, bytes);
    this.onChange();
    return slot;
  }

  *onFree(cpu: Vcpu, slot: SwiotlbSlot): ProcessGenerator<void> {
    const ended = this.pools.freeSlot(slot);
    if (ended === null) return;
    yield* this.mem.freeShared(cpu, ended.base, ended.bytes);
    this.onChange();
  }

  private kickWorker(): void {
    if (this.workerPending) return;
    this.workerPending = true;
    this.env.process(this.workerCpu.run(this.worker()), `${this.name}.swiotlb_dyn_alloc`);
  }

  /** swiotlb_dyn_alloc: one pool of 1–4 MiB, aligned to its size (one page allocation). */
  private *worker(): ProcessGenerator<void> {
    const bytes = workerPoolBytes(this.pools.defaultPool.bytes);
    const base = yield* this.mem.allocShared(this.workerCpu, bytes, bytes);
    if (base !== null) {
      this.pools.addPool(base, bytes);
      this.stats.workerPools++;
      this.onChange();
    }
    this.workerPending = false;
  }
}
