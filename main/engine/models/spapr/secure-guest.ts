/**
 * What makes a pseries guest secure (PEF, under an ultravisor), once per VM: at boot the guest
 * enters secure mode (UV_ESM: the ultravisor takes every page of guest RAM, a cost per page, so
 * linear in size), then shares its swiotlb pool with the hypervisor once; afterwards every DMA
 * bounces through that pool (swiotlb is forced).
 *
 * Models: the ESM and the pool sharing as time held on vCPU 0 before devices are probed, charged
 * per 4 KiB page; the pool at the top of guest RAM.
 * Does not model: the ultravisor's page encryption internals, secure-memory paging.
 */
import type { Environment, ProcessGenerator } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Metrics } from '../../metrics/collector';
import type { VmRuntime } from '../../machine/vm';
import { SwiotlbBouncer } from '../../dma/swiotlb';
import { defaultAreas, IO_TLB_SIZE, SwiotlbPool } from '../../dma/swiotlb-pool';
import { metricSegment } from './segment';
import { SPAPR_COSTS } from './costs';
import { SPAPR_METRICS } from './metrics';

const PAGE_4K = 4096;
/** ESM is charged in batches of this many pages: a per-page cost without an event per page. */
const ESM_BATCH_PAGES = 2 ** 18;

export class SecureGuest {
  readonly bouncer: SwiotlbBouncer;

  private constructor(env: Environment, costs: Costs, metrics: Metrics, vm: VmRuntime, poolBytes: number, guestPageSize: number) {
    const ram = vm.spec.memory;
    if (poolBytes > ram / 2) throw new RangeError(`swiotlb pool of ${poolBytes} bytes is more than half of VM ${vm.spec.id}'s memory`);
    const base = Math.floor((ram - poolBytes) / guestPageSize) * guestPageSize;
    const nslabs = Math.floor(poolBytes / IO_TLB_SIZE);
    const pool = new SwiotlbPool(base, poolBytes, defaultAreas(vm.vcpus.length, nslabs), guestPageSize);
    this.bouncer = new SwiotlbBouncer(env, costs, metrics, pool, vm.spec.id);
    const esmPerPage = costs.get(SPAPR_COSTS.uvEsmNsPerPage);
    const share = costs.ns(SPAPR_COSTS.uvShareNs);
    const sharePerPage = costs.get(SPAPR_COSTS.uvShareNsPerPage);
    const cpu = vm.vcpu(0);
    env.process(
      cpu.run(
        (function* (): ProcessGenerator<void> {
          const t0 = env.now;
          const pages = Math.ceil(ram / PAGE_4K);
          for (let done = 0; done < pages; done += ESM_BATCH_PAGES) yield Math.round(Math.min(ESM_BATCH_PAGES, pages - done) * esmPerPage);
          metrics.counter(SPAPR_METRICS.uvOf.of('esm')).inc();
          yield share + Math.round((poolBytes / PAGE_4K) * sharePerPage);
          metrics.counter(SPAPR_METRICS.uvOf.of('share_page')).inc();
          metrics.gauge(SPAPR_METRICS.bootSecureConversionNsOf.of(metricSegment(vm.spec.id)), env.now - t0);
        })(),
      ),
      `${vm.spec.id}.esm`,
    );
  }

  private static readonly byVm = new WeakMap<VmRuntime, SecureGuest>();

  /** The VM's secure-guest state, created (and its boot conversion started) on first use. */
  static of(env: Environment, costs: Costs, metrics: Metrics, vm: VmRuntime, poolBytes: number, guestPageSize: number): SecureGuest {
    let s = SecureGuest.byVm.get(vm);
    if (s === undefined) {
      s = new SecureGuest(env, costs, metrics, vm, poolBytes, guestPageSize);
      SecureGuest.byVm.set(vm, s);
    }
    return s;
  }
}
