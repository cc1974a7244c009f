/**
 * The guest-visible (emulated) command queue of a vSMMU: the guest writes commands into it and
 * its CMDQ_PROD write traps to QEMU, whose single VMM thread decodes each new command and hands
 * it to the mode's handler — iommufd forwarding (nested) or QEMU's own caches (emulated).
 *
 * Models: the exit cost, queueing on the VMM thread, per-command decode cost, trapped-command
 * counts by family, the VMM time spent. Does not model: CMDQ error reporting to the guest,
 * event-queue emulation.
 */
import type { ProcessGenerator } from '../../kernel';
import type { Counter, Metrics } from '../../metrics/collector';
import type { Vcpu } from '../../machine/vcpu';
import type { VmRuntime } from '../../machine/vm';
import type { Environment } from '../../kernel';
import type { CommandQueue } from './cmdq';
import { familyOf, type Command } from './commands';
import type { IommufdForwarding } from './iommufd-forwarding';
import { SMMUV3_METRICS } from './metrics';
import type { PhysicalSmmu } from './physical-smmu';
import type { QemuTranslation } from './qemu-translation';

export interface TrapCounters {
  readonly exits: Counter;
  readonly trapped: Counter;
  readonly vmmNs: Counter;
}

export class EmulatedQueue {
  private readonly familyCounters = new Map<string, Counter>();

  constructor(
    private readonly env: Environment,
    readonly queue: CommandQueue,
    private readonly handler: { nested: IommufdForwarding } | { emulated: QemuTranslation },
    private readonly cost: { exit: number; emulate: number },
    private readonly m: TrapCounters,
    private readonly metrics: Metrics,
  ) {}

  /** A guest CMDQ_PROD write: exit to QEMU, which executes the new commands on its thread. */
  *trap(cpu: Vcpu, vm: VmRuntime, sub: readonly Command[]): ProcessGenerator<void> {
    this.m.exits.inc();
    this.m.trapped.inc(sub.length);
    for (const c of sub) this.familyCounter(familyOf(c.op)).inc();
    if (!this.queue.push(sub)) throw new Error(`${this.queue.name}: guest batch larger than its queue`);
    yield this.cost.exit;
    yield vm.vmmThread.request();
    const t0 = this.env.now;
    try {
      yield* this.emulate(this.queue.consume(), cpu.index);
    } finally {
      this.m.vmmNs.inc(this.env.now - t0);
      vm.vmmThread.release();
    }
  }

  private *emulate(cmds: readonly Command[], cpuIndex: number): ProcessGenerator<void> {
    const h = this.handler;
    const pending = new Map<PhysicalSmmu, Command[]>();
    for (const cmd of cmds) {
      yield this.cost.emulate;
      if ('emulated' in h) yield* h.emulated.handle(cmd);
      else yield* h.nested.handle(cmd, pending, cpuIndex);
    }
    if ('nested' in h) yield* h.nested.flush(pending, cpuIndex);
  }

  private familyCounter(f: string): Counter {
    let c = this.familyCounters.get(f);
    if (c === undefined) this.familyCounters.set(f, (c = this.metrics.counter(SMMUV3_METRICS.invalTrappedCmdsOf.of(f))));
    return c;
  }
}
