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
import { acquireBql, type BqlStats } from './bql';

export interface TrapCounters {
  readonly exits: Counter;
  readonly trapped: Counter;
  readonly vmmNs: Counter;
}

/** The guest driver's CMD_SYNC completion wait on the emulated queue, and what it costs. */
export interface SyncWait {
  /** poll: Linux reads CMDQ_CONS (the vSMMU advertises no MSI), each read an MMIO exit under the BQL; msi: the completion is written to memory. */
  readonly mode: 'poll' | 'msi';
  readonly regRead: number;
  readonly msiWait: number;
  readonly exits: Counter;
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
    private readonly bql: BqlStats,
    private readonly sync: SyncWait,
  ) {}

  /** A guest CMDQ_PROD write: exit to QEMU, which executes the new commands on its thread. */
  *trap(cpu: Vcpu, vm: VmRuntime, sub: readonly Command[]): ProcessGenerator<void> {
    this.m.exits.inc();
    this.m.trapped.inc(sub.length);
    for (const c of sub) this.familyCounter(familyOf(c.op)).inc();
    if (!this.queue.push(sub)) throw new Error(`${this.queue.name}: guest batch larger than its queue`);
    yield this.cost.exit;
    yield* acquireBql(vm, this.bql);
    const t0 = this.env.now;
    try {
      yield* this.emulate(this.queue.consume(), cpu.index);
    } finally {
      this.m.vmmNs.inc(this.env.now - t0);
      vm.vmmThread.release();
    }
    if (sub.length > 0 && sub[sub.length - 1]!.op === 'CMD_SYNC') yield* this.waitSync(vm);
  }

  /**
   * The guest waiting for its CMD_SYNC. QEMU consumed the whole queue inside the PROD write, so
   * the first CMDQ_CONS read already shows the sync done: one more exit, and one more BQL hold.
   */
  private *waitSync(vm: VmRuntime): ProcessGenerator<void> {
    if (this.sync.mode === 'msi') {
      yield this.sync.msiWait;
      return;
    }
    this.m.exits.inc();
    this.sync.exits.inc();
    yield this.cost.exit;
    yield* acquireBql(vm, this.bql);
    try {
      yield this.sync.regRead;
    } finally {
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
