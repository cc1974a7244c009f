/**
 * A physical VT-d unit driven by the host kernel's intel-iommu driver, for bare-metal devices
 * (host.iommus[] kind "intel-iommu"; a device with no vm behind it): DMA domains with 4- or
 * 5-level tables in host memory, the unit's IOTLB, and its invalidation queue.
 *
 * Models: qi_submit_sync — the unit's queue lock (qi->q_lock) taken to write the descriptors and
 * advance the tail, then released while the CPU spins for the wait descriptor's status — and the
 * unit consuming its queue in order, one descriptor after the other (PSI, DSI, wait, each its
 * cost); a strict unmap as a PSI rounded to an aligned power of two (a DSI past CAP.MAMV) + wait,
 * the lazy flush queue's flush as a DSI + wait; device translations through the IOTLB, a miss
 * walking the table (a read per level).
 * Does not model: caching mode (bare metal has none), device-TLBs, scalable-mode PASID tables,
 * paging-structure caches, interrupt remapping. A VM's device with no vIOMMU behind this unit
 * is refused (its stage 2 is VFIO's business, not modelled here).
 */
import { Resource, type Environment, type ProcessGenerator } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Counter, Metrics } from '../../metrics/collector';
import type { Histogram } from '../../metrics/histogram';
import type { DeviceSpec } from '../../../common/spec';
import type { IommuDomainDriver } from '../../dma/iommu/driver';
import { DmaIommuPath } from '../../dma/iommu/dma-iommu';
import { InPlacePtes } from '../../dma/iommu/in-place-ptes';
import type { DmaPath } from '../../dma/path';
import type { Vcpu } from '../../machine/vcpu';
import type { VmRuntime } from '../../machine/vm';
import { FRAME, frameAt } from '../../mem/addr';
import { RadixPageTable, tablePageAllocator } from '../../mem/radix-page-table';
import { TopologyError, type IommuInstance } from '../model';
import { HostIotlb } from './host-iotlb';
import { VTD_HOST_COSTS } from './host-costs';
import { VTD_HOST_METRICS } from './host-metrics';
import type { VtdHostParams } from './host-params';
import { iotlbDescFor, psiRange, VTD_PAGE, type Desc } from './inv-desc';

export class VtdHostUnit implements IommuInstance {
  readonly iotlb: HostIotlb;
  /** qi->q_lock. */
  private readonly qiLock: Resource;
  /** The unit's descriptor processing: one queue, consumed in order. */
  private readonly hw: Resource;
  private readonly tableAlloc = tablePageAllocator(2 ** 46, 2 ** 44, 'host VT-d page tables');
  private nextDid = 1;
  private readonly cost: Record<'pte' | 'lock' | 'desc' | 'iqt' | 'seen' | 'hwDesc' | 'psi' | 'dsi' | 'wait' | 'read' | 'hit', number>;
  private readonly m: { psi: Counter; dsi: Counter; wait: Counter; qiWait: Histogram; lockWait: Histogram; hits: Counter; misses: Counter };

  constructor(
    private readonly env: Environment,
    readonly id: string,
    readonly params: VtdHostParams,
    private readonly costs: Costs,
    private readonly metrics: Metrics,
    private readonly spec: { devices: readonly DeviceSpec[]; host: { dmaMode?: 'strict' | 'lazy' } },
    seg: string,
  ) {
    this.iotlb = new HostIotlb(params.iotlbEntries);
    this.qiLock = new Resource(env, `${id}.qi_lock`, 1);
    this.hw = new Resource(env, `${id}.iq`, 1);
    const C = VTD_HOST_COSTS;
    this.cost = {
      pte: costs.ns(C.hostVtdPteWriteNs),
      lock: costs.ns(C.hostVtdQiLockNs),
      desc: costs.ns(C.hostVtdDescWriteNs),
      iqt: costs.ns(C.hostVtdIqtWriteNs),
      seen: costs.ns(C.hostVtdWaitSeenNs),
      hwDesc: costs.ns(C.vtdHwDescNs),
      psi: costs.ns(C.vtdHwPsiNs),
      dsi: costs.ns(C.vtdHwDsiNs),
      wait: costs.ns(C.vtdHwWaitNs),
      read: costs.ns(C.vtdHwWalkReadNs),
      hit: costs.ns(C.vtdHwIotlbHitNs),
    };
    const M = VTD_HOST_METRICS;
    this.m = {
      psi: metrics.counter(M.hwPsiOf.of(seg)),
      dsi: metrics.counter(M.hwDsiOf.of(seg)),
      wait: metrics.counter(M.hwWaitOf.of(seg)),
      qiWait: metrics.histogram(M.qiWaitNs),
      lockWait: metrics.histogram(M.qiLockWaitNs),
      hits: metrics.counter(M.hwIotlbHits),
      misses: metrics.counter(M.hwIotlbMisses),
    };
  }

  attach(device: DeviceSpec, vm: VmRuntime): DmaPath {
    const at = `devices[${this.spec.devices.indexOf(device)}].hostIommu`;
    if (!vm.bareMetal) {
      throw new TopologyError(at, `the physical VT-d unit ${this.id} drives bare-metal devices (no vm); VM ${vm.spec.id}'s device ${device.id} needs a vIOMMU (intel-iommu) or no hostIommu`);
    }
    const domain = new VtdHostDomain(this, device.id, this.nextDid++, new RadixPageTable(this.params.levels, this.tableAlloc), this.env, this.cost.pte);
    return new DmaIommuPath(this.env, this.costs, this.metrics, domain, {
      mode: this.spec.host.dmaMode ?? 'strict',
      timerCpu: vm.vcpu(0),
      dmaLimit: 2 ** (12 + 9 * this.params.levels),
    });
  }

  /** qi_submit_sync: descriptors + a wait descriptor; the caller holds the CPU, which spins until the wait completes. */
  *submit(descs: readonly Desc[]): ProcessGenerator<void> {
    const all: Desc[] = [...descs, { type: 'wait' }];
    const t0 = this.env.now;
    yield this.qiLock.request();
    this.m.lockWait.record(this.env.now - t0);
    try {
      yield this.cost.lock + this.cost.desc * all.length + this.cost.iqt;
    } finally {
      this.qiLock.release();
    }
    const tw = this.env.now;
    yield this.env.process(this.consume(all), `${this.id}.iq`);
    yield this.cost.seen;
    this.m.qiWait.record(this.env.now - tw);
  }

  private *consume(descs: readonly Desc[]): ProcessGenerator<void> {
    yield this.hw.request();
    try {
      for (const d of descs) {
        yield this.cost.hwDesc + (d.type === 'iotlb-psi' ? this.cost.psi : d.type === 'wait' ? this.cost.wait : this.cost.dsi);
        if (d.type === 'iotlb-psi') {
          this.m.psi.inc();
          const r = psiRange(d);
          this.iotlb.invalidatePages(d.did, r.start / VTD_PAGE, (r.end - r.start) / VTD_PAGE);
        } else if (d.type === 'iotlb-dsi') {
          this.m.dsi.inc();
          this.iotlb.invalidateDomain(d.did);
        } else if (d.type === 'iotlb-global') {
          this.m.dsi.inc();
          this.iotlb.invalidateAll();
        } else if (d.type === 'wait') {
          this.m.wait.inc();
        }
      }
    } finally {
      this.hw.release();
    }
  }

  /** Device side: IOTLB, else a walk of the domain's table; false on a fault. */
  *translate(did: number, table: RadixPageTable, addr: number): ProcessGenerator<boolean> {
    const page = Math.floor(addr / VTD_PAGE);
    if (this.iotlb.lookup(did, page) !== undefined) {
      this.m.hits.inc();
      yield this.cost.hit;
      return true;
    }
    this.m.misses.inc();
    const w = table.walk(addr);
    yield this.cost.hit + w.steps.length * this.cost.read;
    if (w.out === null) return false;
    this.iotlb.insert(did, page, Math.floor(w.out / VTD_PAGE));
    return true;
  }
}

/** The host intel-iommu driver's DMA domain of one bare-metal device: its second-level PTE writes in place, and their parts, from InPlacePtes. */
class VtdHostDomain extends InPlacePtes implements IommuDomainDriver {
  readonly name: string;

  constructor(
    private readonly unit: VtdHostUnit,
    deviceId: string,
    private readonly did: number,
    private readonly table: RadixPageTable,
    env: Environment,
    pteNs: number,
  ) {
    super(env, pteNs);
    this.name = `${unit.id}.${deviceId}`;
  }

  protected pageTable(): RadixPageTable {
    return this.table;
  }

  /** The context entry is written before the device is used; a not-present entry needs no flush without caching mode. */
  *probe(_cpu: Vcpu): ProcessGenerator<void> {}

  *flushRange(_cpu: Vcpu, iova: number, bytes: number): ProcessGenerator<void> {
    yield* this.unit.submit([iotlbDescFor(this.did, iova, bytes, this.unit.params.mamv)]);
  }

  *flushAll(_cpu: Vcpu): ProcessGenerator<void> {
    yield* this.unit.submit([{ type: 'iotlb-dsi', did: this.did }]);
  }

  *translate(pfn: number, off: number, _bytes: number, _write: boolean): ProcessGenerator<boolean> {
    return yield* this.unit.translate(this.did, this.table, frameAt(pfn, off) * FRAME);
  }
}
