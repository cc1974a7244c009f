/**
 * The Intel VT-d model as QEMU emulates it (vms[].viommus[] kind "intel-iommu", seed 003):
 * the guest's intel-iommu driver (guest-domain.ts), QEMU's invalidation queue, caches and
 * shadowing (qemu-vtd.ts, shadow-sync.ts, iova-tree.ts), the host VFIO work (vfio-backend.ts),
 * vhost's device IOTLB, three-layer nesting (nested-vfio.ts) and scalable-mode passthrough, put
 * together per VM by vtd-instance.ts. This file wires them to the profile and the metrics.
 */
import { defineModel, type ModelContext } from '../model';
import { CORE_COSTS } from '../../../common/profile/core';
import { IOMMU_METRICS } from '../../../common/metrics/iommu-common';
import type { DeviceSpec } from '../../../common/spec';
import { Counter } from '../../metrics/collector';
import { VTD_COSTS } from './costs';
import { descMetricSeg, type DescType } from './inv-desc';
import type { VtdCostValues, VtdCounters } from './knobs';
import { VTD_METRICS } from './metrics';
import { LEAF_BYTES, vtdDeviceParams, vtdParams } from './params';
import { UnsafeWindow } from './unsafe-window';
import { VtdInstance, type VtdRun } from './vtd-instance';
import { VTD_HOST_COSTS } from './host-costs';
import { VTD_HOST_METRICS } from './host-metrics';
import { vtdHostParams } from './host-params';
import { VtdHostUnit } from './host-unit';

/** A counter that also bumps two registered ones. */
class TeeCounter extends Counter {
  constructor(
    private readonly a: Counter,
    private readonly b: Counter,
  ) {
    super();
  }

  override inc(n = 1): void {
    super.inc(n);
    this.a.inc(n);
    this.b.inc(n);
  }
}

/** Run-wide state shared by the VT-d units of one run (looked up by context). */
class VtdWorld {
  private static readonly worlds = new WeakMap<ModelContext, VtdWorld>();
  readonly units = new Map<string, VtdInstance>();
  readonly window = new UnsafeWindow();
  readonly run: VtdRun;
  private finished = false;

  static of(ctx: ModelContext): VtdWorld {
    let w = VtdWorld.worlds.get(ctx);
    if (w === undefined) VtdWorld.worlds.set(ctx, (w = new VtdWorld(ctx)));
    return w;
  }

  private constructor(private readonly ctx: ModelContext) {
    const c = ctx.costs;
    const C = VTD_COSTS;
    const k: VtdCostValues = {
      pteWriteNs: c.ns(C.guestPteWriteNs),
      descWriteNs: c.ns(C.guestDescWriteNs),
      waitPollNs: c.ns(C.guestWaitPollNs),
      exitNs: c.ns(CORE_COSTS.vmexitMmioUserNs),
      nestedExitNs: c.ns(C.nestedExitNs),
      descEmulateNs: c.ns(C.descEmulateNs),
      pteReadNs: c.ns(C.pteReadNs),
      treeLookupNs: c.ns(C.treeLookupNs),
      treeUpdateNs: c.ns(C.treeUpdateNs),
      iotlbLookupNs: c.ns(C.iotlbLookupNs),
      contextReadNs: c.ns(C.contextReadNs),
      mapIoctlNs: c.ns(CORE_COSTS.vfioMapIoctlNs),
      unmapIoctlNs: c.ns(CORE_COSTS.vfioUnmapIoctlNs),
      pinPageNs: c.ns(CORE_COSTS.vfioPinNsPerPage),
      unpinPageNs: c.ns(C.unpinNsPerPage),
      hostPteNs: c.ns(C.hostPteNs),
      hostIotlbFlushNs: c.ns(C.hostIotlbFlushNs),
      hwTranslateNs: c.ns(C.hwTranslateNs),
      vhostLookupNs: c.ns(C.vhostLookupNs),
      vhostMissNs: c.ns(C.vhostMissNs),
      vhostInvalNs: c.ns(C.vhostInvalNs),
      hwptInvalidateNs: c.ns(C.hwptInvalidateNs),
      iotlbEntries: Math.max(1, Math.round(c.get(C.iotlbEntries))),
      vhostIotlbEntries: Math.max(1, Math.round(c.get(C.vhostIotlbEntries))),
      dmaEntryLimit: Math.max(1, Math.round(c.get(CORE_COSTS.vfioDmaEntryLimit))),
      treeSizes: {
        nodeBytes: c.get(C.treeNodeBytes),
        elementBytes: c.get(C.treeElementBytes),
        mallocHeaderBytes: c.get(C.mallocHeaderBytes),
        mallocAlignBytes: Math.max(1, c.get(C.mallocAlignBytes)),
        mallocMinChunkBytes: c.get(C.mallocMinChunkBytes),
      },
    };
    const m = ctx.metrics;
    const M = VTD_METRICS;
    const descs = new Map<DescType, Counter>();
    const guestCmds = m.counter(IOMMU_METRICS.invalGuestCmds);
    const counters: VtdCounters = {
      desc(t) {
        let x = descs.get(t);
        if (x === undefined) {
          // Every descriptor also counts in the cross-model inval.guest.cmds.
          x = new TeeCounter(m.counter(M.descOf.of(descMetricSeg(t))), guestCmds);
          descs.set(t, x);
        }
        return x;
      },
      submissions: m.counter(M.submissions),
      exits: m.counter(IOMMU_METRICS.exitsMmio),
      vmmNs: m.counter(M.vmmNs),
      walks: m.counter(M.walks),
      pteReads: m.counter(M.pteReads),
      translateReads: m.counter(M.translateReads),
      resyncs: m.counter(M.resyncs),
      vfioMaps: m.counter(M.vfioMaps),
      vfioUnmaps: m.counter(M.vfioUnmaps),
      vfioMapFailures: m.counter(M.vfioMapFailures),
      iqErrors: m.counter(M.iqErrors),
      iotlbHits: m.counter(M.iotlbHits),
      iotlbMisses: m.counter(M.iotlbMisses),
      faultRecords: m.counter(M.faultRecords),
      vhostMisses: m.counter(M.vhostMisses),
      vhostInvals: m.counter(M.vhostInvals),
      hwptInvalidates: m.counter(M.hwptInvalidates),
    };
    const spec = ctx.spec;
    this.run = {
      env: ctx.env,
      costs: ctx.costs,
      metrics: ctx.metrics,
      k,
      c: counters,
      window: this.window,
      note: (t) => ctx.note(t),
      vmRuntime: (id) => ctx.vmRuntime(id),
      unit: (ref) => this.units.get(ref),
      deviceIndex: (d) => spec.devices.indexOf(d),
      deviceParams: (d: DeviceSpec) => {
        const p = vtdDeviceParams.parse(d.params);
        return { ats: p.ats, premap: p.premap, premapLeaf: LEAF_BYTES[p.premapLeaf], premapChunk: p.premapChunk };
      },
    };
  }

  /** End-of-run gauges over every unit (called once, by the first unit to finish). */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const m = this.ctx.metrics;
    const M = VTD_METRICS;
    this.window.closeAll(this.ctx.env.now);
    const units = [...this.units.values()];
    const trees = units.flatMap((u) => u.trees);
    m.gauge(M.treeBytes, trees.reduce((s, t) => s + t.bytes, 0));
    m.gauge(M.treePeakBytes, trees.reduce((s, t) => s + t.peak, 0));
    m.gauge(M.treeNodes, trees.reduce((s, t) => s + t.nodes, 0));
    m.gauge(M.guestPtBytes, units.flatMap((u) => u.guestTables).reduce((s, t) => s + t.bytes, 0));
    m.gauge(M.iotlbResets, units.reduce((s, u) => s + u.iotlbResets, 0));
    m.gauge(M.unsafeWindowNs, this.window.totalNs);
    m.gauge(M.unsafeGapMaxNs, this.window.longestNs);
    m.gauge(M.unsafeGaps, this.window.gaps);
  }
}

export const intelIommu = defineModel({
  kind: 'intel-iommu',
  role: 'viommu',
  summary: 'Intel VT-d as QEMU emulates it: caching mode, shadow page tables with the IOVA tree, vhost, three-layer nesting, scalable-mode passthrough',
  params: vtdParams,
  deviceParams: vtdDeviceParams,
  arches: ['x86_64'],
  vmFields: ['dmaMode'],
  costs: [VTD_COSTS],
  metrics: [VTD_METRICS],
  footprint(_params, at, spec, costs) {
    // A VFIO user inside the guest premaps RAM at probe (premap-domain.ts): per leaf a guest PTE,
    // a shadow mapping and an IOVA-tree node, until VFIO's dma_entry_limit refuses one (vfio
    // attach) — then the premap stops. Measured (the simulator's own memory, not the modelled
    // QEMU's): 8 GiB premapped at 4 KiB, 2^21 leaves, held 156 MB of array buffers and 16 MB of heap, ~82 B per leaf.
    const limit = Math.max(1, Math.round(costs.get(CORE_COSTS.vfioDmaEntryLimit)));
    return spec.devices
      .filter((d) => d.vm === at.vm.id && d.viommu === at.spec.id)
      .flatMap((d) => {
        const p = vtdDeviceParams.parse(d.params);
        const leaf = LEAF_BYTES[p.premapLeaf];
        const leaves = Math.ceil(p.premap / leaf);
        const count = d.attach === 'vfio' ? Math.min(leaves, limit + Math.ceil(p.premapChunk / leaf)) : leaves;
        return count > 0 ? [{ what: `premapped ${p.premapLeaf} leaves (device ${d.id})`, count, bytesEach: 82 }] : [];
      });
  },
  create(ctx, params, at) {
    const world = VtdWorld.of(ctx);
    const unit = new VtdInstance(world.run, at.spec.id, at.vm.id, at.vm.memory, params, at.path);
    world.units.set(`${at.vm.id}/${at.spec.id}`, unit);
    unit.finish = () => world.finish();
    return unit;
  },
});

/** A physical VT-d unit (host.iommus[] kind "intel-iommu") driven by the host kernel, for bare-metal devices (host-unit.ts). */
export const intelIommuHost = defineModel({
  kind: 'intel-iommu',
  role: 'host-iommu',
  summary: 'physical Intel VT-d unit under the host kernel\'s intel-iommu driver: DMA domains, IOTLB, invalidation queue (bare-metal devices)',
  params: vtdHostParams,
  arches: ['x86_64'],
  costs: [VTD_HOST_COSTS],
  metrics: [VTD_HOST_METRICS],
  create(ctx, params, at) {
    return new VtdHostUnit(ctx.env, at.spec.id, params, ctx.costs, ctx.metrics, ctx.spec, at.spec.id.toLowerCase().replace(/[^a-z0-9_]/g, '_'));
  },
});
