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
import type { SpaprHcallPath } from '../../../common/spec/models/spapr';
import type { Costs } from '../../costs/costs';
import type { Counter, Metrics } from '../../metrics/collector';
import type { VmRuntime } from '../../machine/vm';
import type { HcallName, HcallResult } from './hcalls';

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

  constructor(
    private readonly env: Environment,
    costs: Costs,
    private readonly metrics: Metrics,
    readonly path: SpaprHcallPath,
    private readonly vm: VmRuntime,
    private readonly kernel: Resource,
  ) {
    const exitEntry = costs.ns('spapr.hcall.exit_ns') + costs.ns('spapr.hcall.entry_ns');
    this.userRoundtrip = costs.ns('spapr.hcall.user_roundtrip_ns');
    const kvm = { handler: costs.ns('spapr.kvm.hcall_ns'), perTce: costs.ns('spapr.kvm.tce_update_ns'), listRead: costs.ns('spapr.kvm.list_read_ns') };
    const qemu = { handler: costs.ns('spapr.qemu.hcall_ns'), perTce: costs.ns('spapr.qemu.tce_update_ns'), listRead: costs.ns('spapr.qemu.list_read_ns') };
    if (path === 'kvm-real') this.c = { exitEntry, switchNs: 0, ...kvm };
    else if (path === 'kvm-virtual') this.c = { exitEntry, switchNs: costs.ns('spapr.hcall.virt_switch_ns'), ...kvm };
    else this.c = { exitEntry, switchNs: this.userRoundtrip, ...qemu };
    this.rtasNs = costs.ns('spapr.rtas.handler_ns');
    const seg = path.replace('-', '_');
    this.timeByPath = metrics.counter(`hcalls.time_ns.${seg}`);
    this.callsByPath = metrics.counter(`hcalls.by_path.${seg}`);
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
    yield c.exitEntry;
    if (this.path === 'kvm-real') {
      yield handlerNs;
      r = work();
    } else if (this.path === 'kvm-virtual') {
      yield this.kernel.request();
      try {
        yield c.switchNs + handlerNs;
        r = work();
      } finally {
        this.kernel.release();
      }
    } else {
      yield c.switchNs;
      yield this.vm.vmmThread.request();
      try {
        yield handlerNs;
        r = work();
      } finally {
        this.vm.vmmThread.release();
      }
    }
    const k = this.byName(name);
    k.calls.inc();
    if (r.rc === 'h_success') k.tces.inc(r.tces);
    else this.count(`hcalls.failed.${r.rc}`).inc();
    this.callsByPath.inc();
    this.timeByPath.inc(this.env.now - t0);
    return r;
  }

  /** One RTAS call (H_RTAS): always a round trip to QEMU, handled under its lock. */
  *rtas<T>(name: string, extraNs: number, work: () => T): ProcessGenerator<T> {
    yield this.c.exitEntry + this.userRoundtrip;
    yield this.vm.vmmThread.request();
    try {
      yield this.rtasNs + extraNs;
      const r = work();
      this.count(`rtas.${name}`).inc();
      return r;
    } finally {
      this.vm.vmmThread.release();
    }
  }

  private byName(name: HcallName): { calls: Counter; tces: Counter } {
    let k = this.perHcall.get(name);
    if (k === undefined) {
      k = { calls: this.metrics.counter(`hcalls.${name}`), tces: this.metrics.counter(`hcalls.tces.${name}`) };
      this.perHcall.set(name, k);
    }
    return k;
  }

  private count(name: string): Counter {
    let c = this.counts.get(name);
    if (c === undefined) {
      c = this.metrics.counter(name);
      this.counts.set(name, c);
    }
    return c;
  }
}
