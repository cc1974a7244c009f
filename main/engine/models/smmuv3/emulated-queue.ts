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
import { familyOf, type Command, type CommandFamily } from './commands';
import type { IommufdForwarding } from './iommufd-forwarding';
import { SMMUV3_METRICS } from './metrics';
import type { PhysicalSmmu } from './physical-smmu';
import type { QemuTranslation } from './qemu-translation';
import { recordBqlWait, type BqlStats } from './bql';

/** What QEMU handles when the queue holds nothing new (never written to). */
const NO_COMMANDS: readonly Command[] = [];

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
  private readonly familyCounters: Partial<Record<CommandFamily, Counter>> = {};
  /** Batched forwards of the guest batch being emulated (one at a time: emulation holds the BQL). */
  private readonly pending = new Map<PhysicalSmmu, Command[]>();
  /** The commands QEMU is handling: one list, reused (QEMU handles one batch at a time, under the BQL). */
  private readonly handling: Command[] = [];

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

  /**
   * The guest writes `sub` into the queue (`writeNs`) and writes CMDQ_PROD: an exit to QEMU,
   * which executes the new commands on its thread; then the guest waits for its CMD_SYNC.
   * Emulation, forwarding and the wait run in this one generator (no generator per step), so a
   * yield deep in the host's command issue crosses few generator levels.
   */
  *trap(cpu: Vcpu, vm: VmRuntime, sub: readonly Command[], writeNs: number): ProcessGenerator<void> {
    const env = this.env;
    if (!env.advance(writeNs)) yield writeNs;
    this.m.exits.inc();
    this.m.trapped.inc(sub.length);
    for (let i = 0; i < sub.length; i++) this.familyCounter(familyOf(sub[i]!.op)).inc();
    if (!this.queue.push(sub)) throw new Error(`${this.queue.name}: guest batch larger than its queue`);
    if (!env.advance(this.cost.exit)) yield this.cost.exit;
    let tb = env.now;
    if (!vm.vmmThread.tryAcquire()) yield vm.vmmThread.request();
    recordBqlWait(this.bql, env.now - tb);
    const t0 = env.now;
    try {
      // QEMU decodes and handles each new command. With two vCPUs trapping, the first to take the
      // BQL handles both batches and the second finds the queue empty: then nothing is consumed
      // into the reused list, which keeps its storage instead of being emptied and regrown.
      const cmds = this.queue.pending > 0 ? this.queue.consume(Infinity, this.handling) : NO_COMMANDS;
      const h = this.handler;
      if ('emulated' in h) {
        for (let i = 0; i < cmds.length; i++) {
          if (!env.advance(this.cost.emulate)) yield this.cost.emulate;
          yield* h.emulated.handle(cmds[i]!);
        }
      } else {
        const pending = this.pending;
        // Indexed loops: for-of in a generator costs an iterator per loop.
        for (let i = 0; i < cmds.length; i++) {
          if (!env.advance(this.cost.emulate)) yield this.cost.emulate;
          const work = h.nested.handle(cmds[i]!, pending, cpu.index);
          if (work !== null) yield* work;
        }
        const work = h.nested.flush(pending, cpu.index);
        if (work !== null) yield* work;
      }
    } finally {
      this.m.vmmNs.inc(env.now - t0);
      vm.vmmThread.release();
    }
    if (sub.length === 0 || sub[sub.length - 1]!.op !== 'CMD_SYNC') return;
    // The guest waiting for its CMD_SYNC. QEMU consumed the whole queue inside the PROD write, so
    // the first CMDQ_CONS read already shows the sync done: one more exit, and one more BQL hold.
    if (this.sync.mode === 'msi') {
      if (!env.advance(this.sync.msiWait)) yield this.sync.msiWait;
      return;
    }
    this.m.exits.inc();
    this.sync.exits.inc();
    if (!env.advance(this.cost.exit)) yield this.cost.exit;
    tb = env.now;
    if (!vm.vmmThread.tryAcquire()) yield vm.vmmThread.request();
    recordBqlWait(this.bql, env.now - tb);
    try {
      if (!env.advance(this.sync.regRead)) yield this.sync.regRead;
    } finally {
      vm.vmmThread.release();
    }
  }

  private familyCounter(f: CommandFamily): Counter {
    return (this.familyCounters[f] ??= this.metrics.counter(SMMUV3_METRICS.invalTrappedCmdsOf.of(f)));
  }
}
