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
    return this.queues.length > 0 && sub.every((c) => VCMDQ_ALLOWED.has(c.op));
  }

  /** The guest writes the entries (`writeNs`), rings the doorbell, and the hardware executes them. */
  *submit(cpu: Vcpu, sub: readonly Command[], writeNs: number): ProcessGenerator<void> {
    const env = this.smmu.env;
    if (!env.advance(writeNs)) yield writeNs;
    if (!env.advance(this.doorbellNs)) yield this.doorbellNs;
    this.direct.inc(sub.length);
    yield* this.smmu.execute(this.queues[cpu.index % this.queues.length]!, sub, 'guest');
  }
}
