/**
 * Timing of a TCE hypercall or RTAS call on the path that handles it. The semantic effect (the
 * table update) happens when the handler runs, so a device DMA racing the call sees the table as
 * it is at that instant.
 *
 * Models three handling paths, each charging its own profile costs on the resource that pays:
 * - kvm-real: exit + real-mode handler + entry, all on the vCPU (the caller holds it);
 * - kvm-virtual: exit + entry on the vCPU, the switch to host virtual mode and the handler on a
 *   host-kernel CPU (a resource with one slot per host CPU), with the vCPU blocked meanwhile;
 * - qemu: exit + entry and the round trip to userspace on the vCPU, the handler on the VM's
 *   VMM thread (QEMU's big lock: hypercalls of all vCPUs serialize there).
 * RTAS calls always go to QEMU.
 * Does not model: H_TOO_HARD bounces from real to virtual mode, interrupts during the call.
 */
import { Resource, type Environment, type ProcessGenerator } from '../../kernel';
import type { SpaprHcallPath } from './params';
import type { Costs } from '../../costs/costs';
import type { Counter, Metrics } from '../../metrics/collector';
import type { VmRuntime } from '../../machine/vm';
import type { HcallName, HcallResult } from './hcalls';
import { SPAPR_COSTS } from './costs';
import { SPAPR_METRICS } from './metrics';
import type { Metric } from '../../../common/metrics/names';

interface PathCosts {
  exitEntry: number;
  switchNs: number;
  handler: number;
  perTce: number;
  listRead: number;
}

const hostKernels = new WeakMap<Environment, Resource>();

/** The host's kernel CPUs, shared by every VM of a run. */
export function hostKernel(env: Environment, cpus: number): Resource {
  let r = hostKernels.get(env);
  if (r === undefined) {
    r = new Resource(env, 'host.kernel', cpus);
    hostKernels.set(env, r);
  }
  return r;
}

export class HcallHandler {
  private readonly c: PathCosts;
  private readonly rtasNs: number;
  private readonly userRoundtrip: number;
  private readonly counts = new Map<string, Counter>();
  private readonly perHcall = new Map<HcallName, { calls: Counter; tces: Counter }>();
  private readonly timeByPath: Counter;
  private readonly callsByPath: Counter;
  private lastName: HcallName | null = null;
  private lastCounters: { calls: Counter; tces: Counter } | null = null;

  constructor(
    private readonly env: Environment,
    costs: Costs,
    private readonly metrics: Metrics,
    readonly path: SpaprHcallPath,
    private readonly vm: VmRuntime,
    private readonly kernel: Resource,
  ) {
    const exitEntry = costs.ns(SPAPR_COSTS.hcallExitNs) + costs.ns(SPAPR_COSTS.hcallEntryNs);
    this.userRoundtrip = costs.ns(SPAPR_COSTS.hcallUserRoundtripNs);
    const kvm = { handler: costs.ns(SPAPR_COSTS.kvmHcallNs), perTce: costs.ns(SPAPR_COSTS.kvmTceUpdateNs), listRead: costs.ns(SPAPR_COSTS.kvmListReadNs) };
    const qemu = { handler: costs.ns(SPAPR_COSTS.qemuHcallNs), perTce: costs.ns(SPAPR_COSTS.qemuTceUpdateNs), listRead: costs.ns(SPAPR_COSTS.qemuListReadNs) };
    if (path === 'kvm-real') this.c = { exitEntry, switchNs: 0, ...kvm };
    else if (path === 'kvm-virtual') this.c = { exitEntry, switchNs: costs.ns(SPAPR_COSTS.hcallVirtSwitchNs), ...kvm };
    else this.c = { exitEntry, switchNs: this.userRoundtrip, ...qemu };
    this.rtasNs = costs.ns(SPAPR_COSTS.rtasHandlerNs);
    const seg = path.replace('-', '_');
    this.timeByPath = metrics.counter(SPAPR_METRICS.hcallsTimeNsOf.of(seg));
    this.callsByPath = metrics.counter(SPAPR_METRICS.hcallsByPathOf.of(seg));
  }

  /**
   * One hypercall from a vCPU the caller holds. `tces` is how many entries the handler will touch
   * (for its per-TCE cost); `work` applies the call's semantics and runs when the handler does.
   */
  *call(name: HcallName, tces: number, work: () => HcallResult): ProcessGenerator<HcallResult> {
    const t0 = this.env.now;
    const c = this.c;
    const handlerNs = c.handler + tces * c.perTce + (name === 'h_put_tce_indirect' ? c.listRead : 0);
    let r: HcallResult;
    const env = this.env;
    // Holds in place when nothing can interleave (env.advance): the same outcome as a yield.
    if (!env.advance(c.exitEntry)) yield c.exitEntry;
    if (this.path === 'kvm-real') {
      if (!env.advance(handlerNs)) yield handlerNs;
      r = work();
    } else if (this.path === 'kvm-virtual') {
      if (!this.kernel.tryAcquire()) yield this.kernel.request();
      try {
        if (!env.advance(c.switchNs + handlerNs)) yield c.switchNs + handlerNs;
        r = work();
      } finally {
        this.kernel.release();
      }
    } else {
      if (!env.advance(c.switchNs)) yield c.switchNs;
      const vmm = this.vm.vmmThread;
      if (!vmm.tryAcquire()) yield vmm.request();
      try {
        if (!env.advance(handlerNs)) yield handlerNs;
        r = work();
      } finally {
        vmm.release();
      }
    }
    this.account(name, r, t0);
    return r;
  }

  /**
   * The same hypercall, after `preNs` of guest work, done in place without yielding when
   * nothing can interleave with any of it (Environment.canAdvance) and the handler's resource
   * is idle: exactly what call() would do, step for step. Null (and nothing done) otherwise.
   */
  callInPlace(name: HcallName, tces: number, preNs: number, work: () => HcallResult): HcallResult | null {
    const env = this.env;
    const c = this.c;
    const handlerNs = c.handler + tces * c.perTce + (name === 'h_put_tce_indirect' ? c.listRead : 0);
    const res = this.path === 'kvm-real' ? null : this.path === 'kvm-virtual' ? this.kernel : this.vm.vmmThread;
    if ((res !== null && !res.idle) || !env.canAdvance(preNs + c.exitEntry + c.switchNs + handlerNs, 4)) return null;
    env.advance(preNs);
    const t0 = env.now;
    let r: HcallResult;
    // The same holds as call(), one by one: each counts toward the run's poll interval.
    env.advance(c.exitEntry);
    if (res === null) {
      env.advance(handlerNs);
      r = work();
    } else if (res === this.kernel) {
      res.tryAcquire();
      env.advance(c.switchNs + handlerNs);
      r = work();
      res.release();
    } else {
      env.advance(c.switchNs);
      res.tryAcquire();
      env.advance(handlerNs);
      r = work();
      res.release();
    }
    this.account(name, r, t0);
    return r;
  }

  private account(name: HcallName, r: HcallResult, t0: number): void {
    const k = this.byName(name);
    k.calls.inc();
    if (r.rc === 'h_success') k.tces.inc(r.tces);
    else this.count(SPAPR_METRICS.hcallsFailedOf.of(r.rc)).inc();
    this.callsByPath.inc();
    this.timeByPath.inc(this.env.now - t0);
  }

  /** One RTAS call (H_RTAS): always a round trip to QEMU, handled under its lock. */
  *rtas<T>(name: string, extraNs: number, work: () => T): ProcessGenerator<T> {
    yield this.c.exitEntry + this.userRoundtrip;
    yield this.vm.vmmThread.request();
    try {
      yield this.rtasNs + extraNs;
      const r = work();
      this.count(SPAPR_METRICS.rtasOf.of(name)).inc();
      return r;
    } finally {
      this.vm.vmmThread.release();
    }
  }

  private byName(name: HcallName): { calls: Counter; tces: Counter } {
    // A run's hypercalls come in long runs of one kind (a boot clear, a map loop): the last one first.
    if (name === this.lastName) return this.lastCounters!;
    let k = this.perHcall.get(name);
    if (k === undefined) {
      k = { calls: this.metrics.counter(SPAPR_METRICS.hcallsOf.of(name)), tces: this.metrics.counter(SPAPR_METRICS.hcallsTcesOf.of(name)) };
      this.perHcall.set(name, k);
    }
    this.lastName = name;
    this.lastCounters = k;
    return k;
  }

  private count(m: Metric<'counter'>): Counter {
    let c = this.counts.get(m.name);
    if (c === undefined) {
      c = this.metrics.counter(m);
      this.counts.set(m.name, c);
    }
    return c;
  }
}
