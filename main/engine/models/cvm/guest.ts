/**
 * One confidential VM's guest kernel as the DMA path sees it: its boot-time conversions and
 * acceptance, its swiotlb (sized and aligned by rule, optionally dynamic), its coherent DMA
 * allocations, and the DMA path every device of the VM gets.
 *
 * Models (seed 004, DOMAIN.md §7–8): boot on vCPU 0 before devices probe — early shared pages
 * (one per vCPU: GHCB / hypervisor-shared pages), acceptance (eager: all RAM; lazy: what firmware
 * and the early kernel allocate — bootAcceptBytes, the memmap at 64 B per 4 KiB page, the swiotlb
 * pool), then the swiotlb pool converted to shared in one set_memory_decrypted; every streaming
 * DMA bounces through swiotlb (devices cannot reach private memory); memory the guest allocates
 * later (coherent buffers, dynamic pools) is accepted on first use when acceptance is lazy;
 * dma_alloc_* memory either converted page-wise per
 * allocation (today) or carved from the swiotlb pool (the RFC's proposal 1); runtime coherent
 * allocations at a rate, each freed (converted back) after a lifetime.
 * Does not model: the firmware's own time besides acceptance, kernel boot work that is the same
 * for every configuration, SWIOTLB_FORCE opt-outs, TDX/SNP attestation; acceptance of workload
 * data buffers (they are taken to be recycled memory accepted long before, since the lab's
 * buffer allocator walks guest RAM without freeing).
 */
import type { Environment, ProcessGenerator } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Metrics } from '../../metrics/collector';
import type { VmRuntime } from '../../machine/vm';
import type { Vcpu } from '../../machine/vcpu';
import type { DmaPath, Direction, Mapping } from '../../dma/path';
import { SwiotlbBouncer, SwiotlbPath } from '../../dma/swiotlb';
import { SWIOTLB_METRICS } from '../../../common/metrics/swiotlb';
import { defaultAreas, IO_TLB_SIZE, SwiotlbPool, type SwiotlbSlot } from '../../dma/swiotlb-pool';
import { SwiotlbPoolSet } from '../../dma/swiotlb-pool-set';
import { DynamicSwiotlb, type SharedMemory } from '../../dma/swiotlb-dynamic';
import { placePool, RFC_8PCT_SIZING, X86_CVM_SIZING, type PoolPlacement, type SwiotlbSizing } from '../../dma/swiotlb-sizing';
import { GuestPageAllocator } from '../../mem/guest-page-allocator';
import { PAGE, type BackingKind } from '../../mem/host-backing';
import { CvmConverter, type CvmCosts, type CvmKind } from './converter';

/** struct page: the memmap the kernel allocates (and so accepts) at boot for all RAM [C]. */
const STRUCT_PAGE_BYTES = 64;
const MiB = 2 ** 20;

export interface CvmGuestParams {
  readonly privateBacking: BackingKind;
  readonly sharedBacking: BackingKind;
  readonly discard: boolean;
  readonly acceptance: 'lazy' | 'eager';
  readonly bootAcceptBytes: number;
  readonly swiotlbSizing: 'x86-6pct' | 'rfc-8pct' | 'fixed';
  readonly swiotlbBytes: number;
  readonly swiotlbAlign: number;
  readonly dynamicSwiotlb: boolean;
  readonly dmaAlloc: 'convert' | 'pool';
  readonly coherentAllocsPerDevice: number;
  readonly coherentAllocBytes: number;
  readonly runtimeCoherentAllocsPerSec: number;
  readonly runtimeCoherentLifetimeNs: number;
  readonly bootSharedPagesPerVcpu: number;
  readonly pscLargeEntries: boolean;
}

export interface CvmGuestTotals {
  bootNs: number;
  coherentFromPool: number;
  coherentConverted: number;
  coherentFailures: number;
}

export class CvmGuest implements SharedMemory {
  readonly converter: CvmConverter;
  readonly placement: PoolPlacement;
  readonly pools: SwiotlbPoolSet;
  readonly bouncer: SwiotlbBouncer;
  readonly dynamic: DynamicSwiotlb | null;
  readonly totals: CvmGuestTotals = { bootNs: 0, coherentFromPool: 0, coherentConverted: 0, coherentFailures: 0 };
  private readonly alloc: GuestPageAllocator;
  private readonly earlyShared: { gpa: number; bytes: number }[] = [];
  /** Set when the boot conversions are done; device probes wait for it. */
  bootDone = false;

  constructor(
    private readonly env: Environment,
    readonly kind: CvmKind,
    readonly vm: VmRuntime,
    readonly params: CvmGuestParams,
    cvmCosts: CvmCosts,
    costs: Costs,
    metrics: Metrics,
  ) {
    const ram = vm.spec.memory;
    this.converter = new CvmConverter(env, kind, ram, { private: params.privateBacking, shared: params.sharedBacking, discard: params.discard }, cvmCosts, vm.vmmThread, { pscLargeEntries: params.pscLargeEntries });
    const sizing: SwiotlbSizing = params.swiotlbSizing === 'x86-6pct' ? X86_CVM_SIZING : params.swiotlbSizing === 'rfc-8pct' ? RFC_8PCT_SIZING : { rule: 'bytes', bytes: params.swiotlbBytes };
    this.placement = placePool(ram, sizing, params.swiotlbAlign);
    const nslabs = Math.floor(this.placement.bytes / IO_TLB_SIZE);
    this.pools = new SwiotlbPoolSet(new SwiotlbPool(this.placement.base, this.placement.bytes, defaultAreas(vm.vcpus.length, nslabs)));
    // Coherent buffers and dynamic pools come from the 256 MiB below the pool (from 16 MiB up in small guests).
    const lo = Math.max(16 * MiB, this.placement.base - 256 * MiB);
    this.alloc = new GuestPageAllocator(Math.min(lo, this.placement.base - PAGE), this.placement.base);
    this.dynamic = params.dynamicSwiotlb ? new DynamicSwiotlb(env, this.pools, this, vm.vcpu(0), vm.spec.id, () => this.gaugePools(metrics)) : null;
    this.bouncer = new SwiotlbBouncer(env, costs, metrics, this.pools, vm.spec.id, this.dynamic);
  }

  /** The boot phase on `cpu` (vCPU 0): early shared pages, acceptance, the swiotlb pool. */
  *boot(cpu: Vcpu): ProcessGenerator<void> {
    const t0 = this.env.now;
    const conv = this.converter;
    const p = this.params;
    const ram = this.vm.spec.memory;
    // Acceptance first (firmware and the EFI stub accept before the kernel converts anything).
    if (p.acceptance === 'eager') yield* conv.acceptRange(cpu, 0, ram);
    else {
      const early = Math.min(ram, p.bootAcceptBytes + Math.ceil((ram / PAGE) * STRUCT_PAGE_BYTES));
      yield* conv.acceptRange(cpu, 0, early);
    }
    // Early shared pages: one per vCPU, each its own 4 KiB conversion.
    for (let i = 0; i < p.bootSharedPagesPerVcpu * this.vm.vcpus.length; i++) {
      const gpa = this.alloc.alloc(PAGE);
      if (gpa === null) break;
      this.earlyShared.push({ gpa, bytes: PAGE });
      yield* conv.convert(cpu, gpa, PAGE, 'shared');
    }
    // swiotlb_update_mem_attributes: the whole default pool in one set_memory_decrypted.
    yield* conv.convert(cpu, this.placement.base, this.placement.bytes, 'shared');
    conv.booted = true;
    this.bootDone = true;
    this.totals.bootNs = this.env.now - t0;
  }

  /** dma_alloc_coherent of `bytes` on `cpu`: from the pool (proposal 1) or fresh pages converted to shared (today). */
  *coherentAlloc(cpu: Vcpu, bytes: number): ProcessGenerator<{ gpa: number; bytes: number; slot: SwiotlbSlot | null } | null> {
    if (this.params.dmaAlloc === 'pool') {
      const slot = this.pools.alloc(bytes, cpu.index);
      if (slot !== null) {
        this.totals.coherentFromPool++;
        return { gpa: slot.addr, bytes, slot };
      }
    }
    const size = Math.ceil(bytes / PAGE) * PAGE;
    const gpa = yield* this.allocShared(cpu, size, PAGE);
    if (gpa === null) {
      this.totals.coherentFailures++;
      return null;
    }
    this.totals.coherentConverted++;
    return { gpa, bytes: size, slot: null };
  }

  *coherentFree(cpu: Vcpu, a: { gpa: number; bytes: number; slot: SwiotlbSlot | null }): ProcessGenerator<void> {
    if (a.slot !== null) this.pools.free(a.slot);
    else yield* this.freeShared(cpu, a.gpa, a.bytes);
  }

  *allocShared(cpu: Vcpu, bytes: number, align: number): ProcessGenerator<number | null> {
    const gpa = this.alloc.alloc(bytes, align);
    if (gpa === null) return null;
    yield* this.converter.convert(cpu, gpa, bytes, 'shared');
    return gpa;
  }

  *freeShared(cpu: Vcpu, gpa: number, bytes: number): ProcessGenerator<void> {
    yield* this.converter.convert(cpu, gpa, bytes, 'private');
    this.alloc.free(gpa, bytes);
  }

  /**
   * Runtime dma_alloc_coherent traffic of one device on `cpu` from now until the run ends:
   * allocations at the configured rate (fixed spacing), each freed after its lifetime.
   */
  startRuntimeAllocs(cpu: Vcpu, name: string): void {
    const rate = this.params.runtimeCoherentAllocsPerSec;
    if (!(rate > 0)) return;
    const gap = Math.max(1, Math.round(1e9 / rate));
    this.env.process(this.allocLoop(cpu, gap, name), `${name}.coherent_allocs`);
  }

  private *allocLoop(cpu: Vcpu, gap: number, name: string): ProcessGenerator<void> {
    for (;;) {
      yield gap;
      this.env.process(this.oneRuntimeAlloc(cpu), `${name}.coherent`);
    }
  }

  private *oneRuntimeAlloc(cpu: Vcpu): ProcessGenerator<void> {
    const a = yield* cpu.run(this.coherentAlloc(cpu, this.params.coherentAllocBytes));
    if (a === null) return;
    yield this.params.runtimeCoherentLifetimeNs;
    yield* cpu.run(this.coherentFree(cpu, a));
  }

  /** The DMA path of one device of this VM, over the path its IOMMU position gives it (`inner`). */
  path(inner: DmaPath, onFirstMap: (cpu: Vcpu) => void = () => {}): DmaPath {
    return new CvmDmaPath(this, inner, onFirstMap);
  }

  gaugePools(metrics: Metrics): void {
    metrics.gaugeMax(SWIOTLB_METRICS.usedSlotsMax, this.pools.slotsInUse);
  }
}

/**
 * A device's DMA path in a confidential guest: forced bouncing through swiotlb (the device sees
 * only bounce slots, in shared memory), coherent allocations at probe. The device-side translation of a bounce address still goes through the path the
 * device's position gives it (a host IOMMU, or none).
 */
export class CvmDmaPath implements DmaPath {
  readonly name = 'cvm-swiotlb';
  private readonly bounce: SwiotlbPath;
  private started = false;

  constructor(
    private readonly guest: CvmGuest,
    private readonly inner: DmaPath,
    /** Called at the device's first map (its I/O has started): runtime allocation traffic begins. */
    private readonly onFirstMap: (cpu: Vcpu) => void,
  ) {
    this.bounce = new SwiotlbPath(guest.bouncer, guest.vm.env);
  }

  *probe(cpu: Vcpu): ProcessGenerator<void> {
    yield* this.inner.probe(cpu);
    const g = this.guest;
    // A failed allocation fails the driver's probe: it makes no more.
    for (let i = 0; i < g.params.coherentAllocsPerDevice; i++) if ((yield* g.coherentAlloc(cpu, g.params.coherentAllocBytes)) === null) break;
  }

  *map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null> {
    if (!this.started) {
      this.started = true;
      this.onFirstMap(cpu);
    }
    return yield* this.bounce.map(cpu, gpa, bytes, dir);
  }

  *unmap(cpu: Vcpu, m: Mapping): ProcessGenerator<void> {
    yield* this.bounce.unmap(cpu, m);
  }

  *translate(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
    if (!(yield* this.bounce.translate(pfn, off, bytes, write))) return false;
    return yield* this.inner.translate(pfn, off, bytes, write);
  }
}
