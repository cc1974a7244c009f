/**
 * Tegra241 CMDQV from the guest's side: the VM's own VINTF with its VCMDQs, mapped into the guest,
 * which the hardware consumes with no trap. A guest batch goes there only when every command in
 * it is one the hardware accepts from a guest VCMDQ; the guest picks the queue by CPU.
 *
 * Models: the posted doorbell write (no exit), direct execution by the physical instance.
 * Does not model: VCMDQ error interrupts to the guest, queue reassignment at run time.
 */
import type { ProcessGenerator } from '../../kernel';
import type { Counter } from '../../metrics/collector';
import type { Vcpu } from '../../machine/vcpu';
import type { Vcmdq, Vintf } from './cmdqv/cmdqv';
import { VCMDQ_ALLOWED, type Command } from './commands';
import type { PhysicalSmmu } from './physical-smmu';

export class VcmdqSubmission {
  constructor(
    readonly vintf: Vintf,
    readonly queues: readonly Vcmdq[],
    private readonly smmu: PhysicalSmmu,
    private readonly doorbellNs: number,
    private readonly direct: Counter,
  ) {}

  /** Whether the hardware accepts every command of this batch from a guest queue. */
  accepts(sub: readonly Command[]): boolean {
    if (this.queues.length === 0) return false;
    // An indexed loop: every() with a closure costs a function object per guest batch.
    for (let i = 0; i < sub.length; i++) if (!VCMDQ_ALLOWED.has(sub[i]!.op)) return false;
    return true;
  }

  /**
   * The guest writes the entries (`writeNs`), rings the doorbell, and the hardware executes
   * them. When both writes can be charged in place, the hardware's execution is the generator
   * handed back (one generator level fewer).
   */
  submit(cpu: Vcpu, sub: readonly Command[], writeNs: number): ProcessGenerator<void> {
    const env = this.smmu.env;
    if (!env.advance(writeNs)) return this.afterWrite(cpu, sub, writeNs);
    if (!env.advance(this.doorbellNs)) return this.afterWrite(cpu, sub, -1);
    return this.execute(cpu, sub);
  }

  /** The rest of submit from the first hold that must yield: the write (`writeNs` ≥ 0) or, with −1, the doorbell. */
  private *afterWrite(cpu: Vcpu, sub: readonly Command[], writeNs: number): ProcessGenerator<void> {
    if (writeNs >= 0) {
      yield writeNs;
      if (!this.smmu.env.advance(this.doorbellNs)) yield this.doorbellNs;
    } else yield this.doorbellNs;
    yield* this.execute(cpu, sub);
  }

  private execute(cpu: Vcpu, sub: readonly Command[]): ProcessGenerator<void> {
    this.direct.inc(sub.length);
    return this.smmu.execute(this.queues[cpu.index % this.queues.length]!, sub, 'guest');
  }
}
