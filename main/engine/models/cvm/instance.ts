/**
 * The confidential instance of one VM: checks the topology (x86 host, no vIOMMU), builds the guest on the first device attached, starts its boot phase on
 * vCPU 0 (before any device probe, which queues behind it on that vCPU), wraps each device's path,
 * and emits the CVM metrics at the end (summed over VMs; boot time the largest).
 *
 * Does not model: anything itself; see guest.ts and converter.ts.
 */
import type { ProcessGenerator } from '../../kernel';
import type { DeviceSpec } from '../../../common/spec';
import type { VmRuntime } from '../../machine/vm';
import type { DmaPath } from '../../dma/path';
import type { Metrics } from '../../metrics/collector';
import { TopologyError, type ConfidentialInstance, type ConfidentialSite, type ModelContext } from '../model';
import { CVM_COSTS } from './costs';
import { CVM_METRICS } from './metrics';
import type { CvmParams } from './params';
import type { CvmCosts, CvmKind } from './converter';
import { CvmGuest } from './guest';

const KIND_NAME: Record<CvmKind, string> = { tdx: 'TDX', 'sev-snp': 'SEV-SNP', pef: 'PEF' };

function resolveCosts(ctx: ModelContext): CvmCosts {
  const c = ctx.costs;
  const C = CVM_COSTS;
  return {
    ptePerPage: c.get(C.ptePerPage),
    cacheFlushPerPage: c.get(C.cacheFlushPerPage),
    tlbShootdown: c.ns(C.tlbShootdown),
    tdvmcall: c.ns(C.tdvmcall),
    vmgexit: c.ns(C.vmgexit),
    rmpUpdatePerEntry: c.ns(C.rmpUpdate),
    pvalidateOp: c.ns(C.pvalidateOp),
    pvalidatePerPage: c.get(C.pvalidatePerPage),
    acceptOp: c.ns(C.acceptOp),
    acceptPerPage: c.get(C.acceptPerPage),
    ucall: 0,
    ucallPerPage: 0,
    vmmExit: c.ns(C.vmmExit),
    setAttributes: c.ns(C.setAttributes),
    punchHole: c.ns(C.punchHole),
    zapPerLeaf: c.ns(C.zapPerLeaf),
    faultPrivate: c.ns(C.faultPrivate),
    faultShared: c.ns(C.faultShared),
    pscMaxEntries: Math.max(1, Math.round(c.get(C.pscMaxEntries))),
  };
}

/** Per-run sums over the CVMs of a run (gauges are written as sums at each finish). */
const sums = new WeakMap<Metrics, Map<string, number>>();

export function createCvm(ctx: ModelContext, kind: CvmKind, params: CvmParams, at: ConfidentialSite): ConfidentialInstance {
  const name = KIND_NAME[kind];
  if (ctx.spec.host.arch !== 'x86_64') throw new TopologyError(at.path, `a ${name} guest runs on an x86_64 host; host.arch is ${ctx.spec.host.arch}`);
  if (at.vm.viommus.length > 0) throw new TopologyError(`vms[${at.vmIndex}].viommus`, `a vIOMMU inside a ${name} guest is not modelled (its devices bounce through swiotlb without one)`);
  const costs = resolveCosts(ctx);
  let guest: CvmGuest | null = null;

  const build = (vm: VmRuntime): CvmGuest => {
    let g: CvmGuest;
    try {
      g = new CvmGuest(ctx.env, kind, vm, {
        privateBacking: params.privateBacking,
        sharedBacking: params.sharedBacking,
        discard: params.discard,
        acceptance: params.acceptance,
        bootAcceptBytes: params.bootAcceptBytes,
        swiotlbSizing: typeof params.swiotlb === 'number' ? 'fixed' : params.swiotlb,
        swiotlbBytes: typeof params.swiotlb === 'number' ? params.swiotlb : 0,
        swiotlbAlign: params.swiotlbAlign,
        dynamicSwiotlb: params.dynamicSwiotlb,
        dmaAlloc: params.dmaAlloc,
        coherentAllocsPerDevice: params.coherentAllocsPerDevice,
        coherentAllocBytes: params.coherentAllocBytes,
        runtimeCoherentAllocsPerSec: params.runtimeCoherentAllocsPerSec,
        runtimeCoherentLifetimeNs: params.runtimeCoherentLifetime,
        bootSharedPagesPerVcpu: params.bootSharedPagesPerVcpu,
        pscLargeEntries: params.pscLargeEntries,
      }, costs, ctx.costs, ctx.metrics);
    } catch (e) {
      if (e instanceof RangeError) throw new TopologyError(`${at.path}.params.swiotlb`, e.message);
      throw e;
    }
    const cpu = vm.vcpu(0);
    ctx.env.process(
      cpu.run(
        (function* (): ProcessGenerator<void> {
          yield* g.boot(cpu);
        })(),
      ),
      `${vm.spec.id}.cvm_boot`,
    );
    return g;
  };

  return {
    wrap(device: DeviceSpec, vm: VmRuntime, path: DmaPath): DmaPath {
      // A virtio device without VIRTIO_F_ACCESS_PLATFORM is refused by its transport (virtio/build.ts),
      // the one place of that rule; every other device's DMA bounces through the CVM's swiotlb.
      if (guest === null) guest = build(vm);
      const g = guest;
      return g.path(path, (cpu) => g.startRuntimeAllocs(cpu, device.id));
    },
    finish() {
      if (guest === null) return;
      emit(ctx.metrics, guest);
    },
  };
}

function emit(metrics: Metrics, g: CvmGuest): void {
  const M = CVM_METRICS;
  const c = g.converter.counts;
  const mem = g.converter.mem;
  metrics.counter(M.conversions).inc(c.conversionsToShared + c.conversionsToPrivate);
  metrics.counter(M.conversionsToShared).inc(c.conversionsToShared);
  metrics.counter(M.conversionsToPrivate).inc(c.conversionsToPrivate);
  metrics.counter(M.conversionsAfterBoot).inc(c.runtimeConversions);
  metrics.counter(M.converted2m).inc(c.converted2m);
  metrics.counter(M.converted4k).inc(c.converted4k);
  metrics.counter(M.conversionNs).inc(c.conversionNs);
  metrics.counter(M.exitsMapGpa).inc(c.exitsMapGpa);
  metrics.counter(M.exitsPsc).inc(c.exitsPsc);
  metrics.counter(M.exitsVmm).inc(c.vmmRoundTrips);
  metrics.counter(M.exitsEptFault).inc(c.eptFaults);
  metrics.counter(M.eptSplits).inc(c.splits);
  metrics.counter(M.acceptedBytes).inc(c.acceptedBytes);
  metrics.counter(M.acceptNs).inc(c.acceptNs);
  metrics.counter(M.acceptFallbacks).inc(c.acceptFallbacks);
  metrics.counter(M.coherentFromPool).inc(g.totals.coherentFromPool);
  metrics.counter(M.coherentConverted).inc(g.totals.coherentConverted);
  metrics.counter(M.coherentFailures).inc(g.totals.coherentFailures);
  metrics.counter(M.swiotlbTransientPools).inc(g.dynamic?.stats.transientPools ?? 0);
  metrics.counter(M.swiotlbAddedPools).inc(g.dynamic?.stats.workerPools ?? 0);
  metrics.gaugeMax(M.bootNs, g.totals.bootNs);
  let s = sums.get(metrics);
  if (s === undefined) sums.set(metrics, (s = new Map()));
  const add = (k: typeof M.doubleAllocBytes, v: number): void => {
    const t = (s.get(k.name) ?? 0) + v;
    s.set(k.name, t);
    metrics.gauge(k, t);
  };
  add(M.doubleAllocBytes, mem.backing.doubleAllocatedBytes);
  add(M.doubleAllocBytesPeak, mem.backing.peakDoubleAllocatedBytes);
  add(M.privateBackedBytes, mem.backing.privateBackedBytes);
  add(M.sharedBackedBytes, mem.backing.sharedBackedBytes);
  add(M.sharedBytes, mem.backing.sharedBytes);
  add(M.eptEntries, mem.ept.entries);
  add(M.eptEntries4k, mem.ept.leaves4k);
  add(M.eptEntries2m, mem.ept.leaves2m);
  add(M.eptBytes, mem.ept.tableBytes);
  add(M.swiotlbPoolBytes, g.pools.peakPoolBytes);
  g.bouncer.finish();
}
