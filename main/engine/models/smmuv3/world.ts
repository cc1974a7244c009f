/**
 * Run-wide state of the SMMUv3 model shared by its instances: the physical SMMUs by id, each
 * VM's nesting state (stage-2 tables, VMIDs per instance, guest table memory), host memory for
 * stage-2 tables, and the end-of-run gauges.
 *
 * Models: stage 2 "duplicated" (one table per physical instance the VM uses, each its own copy)
 * versus "shared" (one table for all of them); VMIDs allocated per instance on first use, with
 * exhaustion as a topology error; a stage-2 change (IOAS unmap + map of a RAM range) rewriting
 * every copy and invalidating every attached instance.
 * Does not model: IOAS pinning costs beyond the ioctl cost, hugepage splitting on partial unmaps.
 */
import type { Environment, ProcessGenerator } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Metrics } from '../../metrics/collector';
import type { VmSpec } from '../../../common/spec';
import { RadixPageTable, tablePageAllocator } from '../../mem/radix-page-table';
import type { VmRuntime } from '../../machine/vm';
import { TopologyError, type ModelContext } from '../model';
import { HostSmmuDriver } from './host-driver';
import type { PhysicalSmmu } from './physical-smmu';
import { CORE_COSTS } from '../../../common/profile/core';
import { IOMMU_METRICS } from '../../../common/metrics/iommu-common';
import { SMMUV3_COSTS } from './costs';
import { SMMUV3_METRICS } from './metrics';

const GiB = 2 ** 30;
const LEAF: Record<string, number> = { '4KiB': 4096, '2MiB': 2 * 2 ** 20, '1GiB': GiB };

export function metricSeg(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

export class VmNest {
  private readonly tables = new Map<PhysicalSmmu, RadixPageTable>();
  private sharedTable: RadixPageTable | null = null;
  private readonly vmids = new Map<PhysicalSmmu, number>();
  /** ATS-capable physical SIDs per instance (full ATC flush after a stage-2 change). */
  readonly atsSids = new Map<PhysicalSmmu, number[]>();
  /** Guest page-table memory (IPA), top of guest RAM. */
  readonly guestTableAlloc: () => number;
  readonly guestTables: RadixPageTable[] = [];
  private changeStarted = false;
  readonly hostBase: number;

  constructor(
    private readonly world: SmmuWorld,
    readonly vm: VmSpec,
    readonly stage2: 'shared' | 'duplicated',
    readonly s2PageSize: string,
    /** Path of the vIOMMU that fixed these settings, for error messages. */
    readonly definedAt: string,
  ) {
    const region = Math.min(256 * 2 ** 20, Math.floor(vm.memory / 4 / 4096) * 4096);
    this.guestTableAlloc = tablePageAllocator(vm.memory - region, region, `VM ${vm.id} guest IOMMU page tables`);
    this.hostBase = world.reserveHostRam(vm.memory);
  }

  /** This VM's VMID on `smmu` (the iommufd vIOMMU object's), allocated on first use. */
  vmidOn(smmu: PhysicalSmmu, path: string): number {
    let v = this.vmids.get(smmu);
    if (v === undefined) {
      const id = smmu.vmids.alloc();
      if (id === null) throw new TopologyError(path, `VMID exhaustion on ${smmu.id}: all ${smmu.vmids.capacity} ${smmu.params.vmidBits}-bit VMIDs are in use (VMIDs are allocated per SMMU instance)`);
      this.vmids.set(smmu, (v = id));
    }
    return v;
  }

  /** The stage-2 table `smmu` walks for this VM: the shared copy, or this instance's own. */
  s2On(smmu: PhysicalSmmu): RadixPageTable {
    if (this.stage2 === 'shared') return (this.sharedTable ??= this.build(smmu));
    let t = this.tables.get(smmu);
    if (t === undefined) this.tables.set(smmu, (t = this.build(smmu)));
    return t;
  }

  get instances(): PhysicalSmmu[] {
    return [...this.vmids.keys()];
  }

  /** Distinct stage-2 tables. */
  get copies(): RadixPageTable[] {
    return this.sharedTable !== null ? [this.sharedTable] : [...this.tables.values()];
  }

  /** Starts the periodic stage-2 change process once per VM. */
  startChanges(vm: VmRuntime, every: number, bytes: number): void {
    if (this.changeStarted || every <= 0) return;
    this.changeStarted = true;
    this.world.env.process(this.changeLoop(vm, every, bytes), `${this.vm.id}.s2-changes`);
  }

  private *changeLoop(vm: VmRuntime, every: number, bytes: number): ProcessGenerator<void> {
    const leaf = LEAF[this.s2PageSize]!;
    const size = Math.max(leaf, Math.ceil(bytes / leaf) * leaf);
    const slots = Math.max(1, Math.floor(this.vm.memory / size));
    for (let k = 0; ; k++) {
      yield every;
      yield vm.vmmThread.request();
      try {
        yield* this.change((k % slots) * size, size);
      } finally {
        vm.vmmThread.release();
      }
    }
  }

  /** IOAS unmap + map of [ipa, ipa+size): every copy rewritten, every attached instance invalidated. */
  *change(ipa: number, size: number): ProcessGenerator<void> {
    const w = this.world;
    w.metrics.counter(SMMUV3_METRICS.iommufdS2Changes).inc();
    yield w.unmapIoctlNs;
    const leaf = LEAF[this.s2PageSize]!;
    const ptes = w.metrics.counter(SMMUV3_METRICS.iommufdS2PteWrites);
    for (const t of this.copies) {
      const n = t.unmap(ipa, size);
      ptes.inc(n);
      yield n * w.s2PteNs;
    }
    for (const smmu of this.instances) {
      yield* w.driver(smmu).stage2Changed(this.vmids.get(smmu)!, ipa, size, this.atsSids.get(smmu) ?? [], 0);
    }
    yield w.mapIoctlNs;
    for (const t of this.copies) {
      const n = t.map(ipa, this.hostBase + ipa, size, leaf);
      ptes.inc(n);
      yield n * w.s2PteNs;
    }
  }

  private build(smmu: PhysicalSmmu): RadixPageTable {
    const t = new RadixPageTable(smmu.params.s2Levels, this.world.hostTableAlloc);
    const leaf = LEAF[this.s2PageSize]!;
    const span = Math.floor(this.vm.memory / leaf) * leaf;
    if (span > 0) t.map(0, this.hostBase, span, leaf);
    if (span < this.vm.memory) t.map(span, this.hostBase + span, Math.ceil((this.vm.memory - span) / 4096) * 4096);
    return t;
  }
}

const worlds = new WeakMap<ModelContext, SmmuWorld>();

export class SmmuWorld {
  readonly physical = new Map<string, PhysicalSmmu>();
  private readonly drivers = new Map<PhysicalSmmu, HostSmmuDriver>();
  readonly vms = new Map<string, VmNest>();
  readonly hostTableAlloc = tablePageAllocator(2 ** 46, 2 ** 44, 'host stage-2 tables');
  private nextHostRam = 0;
  readonly unmapIoctlNs: number;
  readonly mapIoctlNs: number;
  readonly s2PteNs: number;

  private constructor(readonly ctx: ModelContext) {
    this.unmapIoctlNs = ctx.costs.ns(CORE_COSTS.vfioUnmapIoctlNs);
    this.mapIoctlNs = ctx.costs.ns(CORE_COSTS.vfioMapIoctlNs);
    this.s2PteNs = ctx.costs.ns(SMMUV3_COSTS.hostS2PteWriteNs);
  }

  static of(ctx: ModelContext): SmmuWorld {
    let w = worlds.get(ctx);
    if (w === undefined) worlds.set(ctx, (w = new SmmuWorld(ctx)));
    return w;
  }

  get env(): Environment {
    return this.ctx.env;
  }

  get metrics(): Metrics {
    return this.ctx.metrics;
  }

  get costs(): Costs {
    return this.ctx.costs;
  }

  driver(smmu: PhysicalSmmu): HostSmmuDriver {
    let d = this.drivers.get(smmu);
    if (d === undefined) this.drivers.set(smmu, (d = new HostSmmuDriver(smmu, this.ctx.costs, this.ctx.metrics)));
    return d;
  }

  reserveHostRam(bytes: number): number {
    const base = this.nextHostRam;
    this.nextHostRam += Math.ceil(bytes / GiB) * GiB;
    return base;
  }

  /** The VM's nesting state; every vSMMU of a VM must agree on the stage-2 settings. */
  vmNest(vm: VmSpec, stage2: 'shared' | 'duplicated', s2PageSize: string, path: string): VmNest {
    let n = this.vms.get(vm.id);
    if (n === undefined) {
      this.vms.set(vm.id, (n = new VmNest(this, vm, stage2, s2PageSize, path)));
    } else if (n.stage2 !== stage2 || n.s2PageSize !== s2PageSize) {
      throw new TopologyError(path, `VM ${vm.id} has one stage 2 for all its vSMMUs: stage2=${stage2}, s2PageSize=${s2PageSize} disagree with ${n.definedAt} (stage2=${n.stage2}, s2PageSize=${n.s2PageSize})`);
    }
    return n;
  }

  /** The VM's nesting state with whatever settings its vSMMUs chose (duplicated 2 MiB stage 2 if it has none). */
  vmNestOf(vm: VmSpec, path: string): VmNest {
    return this.vms.get(vm.id) ?? this.vmNest(vm, 'duplicated', '2MiB', path);
  }

  /** End-of-run gauges (idempotent: every instance's finish calls it). */
  emitGauges(): void {
    const m = this.metrics;
    let s2Bytes = 0;
    let copies = 0;
    let s1Bytes = 0;
    for (const n of this.vms.values()) {
      for (const t of n.copies) {
        s2Bytes += t.bytes;
        copies++;
      }
      for (const t of n.guestTables) s1Bytes += t.bytes;
    }
    m.gauge(SMMUV3_METRICS.memPtBytesS2, s2Bytes);
    m.gauge(SMMUV3_METRICS.memS2Copies, copies);
    m.gauge(SMMUV3_METRICS.memPtBytesGuestS1, s1Bytes);
    let st = 0;
    for (const p of this.physical.values()) {
      st += p.streamTable.bytes;
      m.gauge(SMMUV3_METRICS.smmuVmidsInUseOf.of(p.seg), p.vmids.inUse);
      if (p.cmdqv !== null) m.gauge(SMMUV3_METRICS.smmuVintfsInUseOf.of(p.seg), p.cmdqv.vintfsInUse);
    }
    m.gauge(SMMUV3_METRICS.memStreamTableBytes, st);
    const hits = m.counter(SMMUV3_METRICS.smmuIotlbHits).value;
    const lookups = hits + m.counter(SMMUV3_METRICS.smmuIotlbMisses).value;
    if (this.physical.size > 0) m.gauge(IOMMU_METRICS.iotlbHitRate, lookups > 0 ? hits / lookups : 0);
  }
}
