/**
 * QEMU's big lock (BQL) as the vSMMU meets it: every MMIO access to the emulated SMMU (the
 * CMDQ_PROD write that makes QEMU consume the queue, the CMDQ_CONS reads of a polling guest) and
 * QEMU's software translation for emulated devices run with it held, so the vCPUs of one VM
 * serialise there. The lock itself is the VM's VMM resource (machine/vm.ts vmmThread); this
 * records how long each acquisition waited.
 *
 * Models: FIFO hand-over; the wait of every acquisition (histogram and total).
 * Does not model: lock-free MMIO regions, the iothread's own work besides the vSMMU's.
 */
import type { ProcessGenerator } from '../../kernel';
import type { Counter } from '../../metrics/collector';
import type { Histogram } from '../../metrics/histogram';
import type { VmRuntime } from '../../machine/vm';

export interface BqlStats {
  readonly wait: Histogram;
  readonly waitTotal: Counter;
}

/** Records one acquisition that waited `waited` ns (callers that take the lock themselves). */
export function recordBqlWait(stats: BqlStats, waited: number): void {
  stats.wait.record(waited);
  stats.waitTotal.inc(waited);
}

/** Takes the BQL of `vm`, recording the wait; the caller releases vm.vmmThread. */
export function* acquireBql(vm: VmRuntime, stats: BqlStats): ProcessGenerator<void> {
  const t0 = vm.env.now;
  yield vm.vmmThread.request();
  const waited = vm.env.now - t0;
  stats.wait.record(waited);
  stats.waitTotal.inc(waited);
}
