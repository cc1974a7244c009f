/**
 * The host kernel's arm-smmu-v3 command issue path for one physical instance.
 *
 * Models (DOMAIN.md §4): commands go out in batches of 63 + CMD_SYNC (CMDQ_BATCH_ENTRIES) on the
 * main CMDQ, or on a VINTF0 VCMDQ picked by CPU when Tegra241 CMDQV is present; the caller waits
 * for each batch's CMD_SYNC; per-command insertion cost on the issuing CPU. The stage-2 change
 * sequence of a nesting parent: S2_IPA over the range (or a VMID-wide flush past the cap), then
 * TLBI_NH_ALL for the VMID (it wipes the guest's stage-1 IOTLB state), then a full ATC flush of
 * the attached devices.
 * Does not model: the lock-free CMDQ owner election, MSI-based sync completion.
 */
import type { ProcessGenerator } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Command } from './commands';
import { CMDQ_BATCH_ENTRIES } from './linux-constants';
import type { CommandOrigin, PhysicalSmmu } from './physical-smmu';
import { tlbiForRange } from './tlbi-range';
import { SMMUV3_COSTS } from './costs';

export class HostSmmuDriver {
  private readonly insertNs: number;

  constructor(
    readonly smmu: PhysicalSmmu,
    costs: Costs,
  ) {
    this.insertNs = costs.ns(SMMUV3_COSTS.hostSmmuCmdInsertNs);
  }

  /** Issues `cmds` in batches closed by CMD_SYNC on the queue of `cpu`; the caller holds the CPU that pays the insertion. */
  *issue(cmds: readonly Command[], cpu: number, origin: CommandOrigin): ProcessGenerator<void> {
    const per = CMDQ_BATCH_ENTRIES - 1;
    for (let i = 0; i < cmds.length; i += per) {
      const batch: Command[] = [...cmds.slice(i, i + per), { op: 'CMD_SYNC' }];
      yield this.insertNs * batch.length;
      yield* this.smmu.execute(this.smmu.hostQueue(cpu), batch, origin);
    }
  }

  /** Invalidation after a nesting-parent stage-2 change of [ipa, ipa+size) for `vmid`. */
  *stage2Changed(vmid: number, ipa: number, size: number, atcSids: readonly number[], cpu: number): ProcessGenerator<void> {
    const s2 = tlbiForRange({ vmid }, 'TLBI_S2_IPA', 'TLBI_S12_VMALL', ipa, size, this.smmu.params.rangeInvalidation);
    yield* this.issue([...s2, { op: 'TLBI_NH_ALL', vmid }], cpu, 'host');
    if (atcSids.length > 0) yield* this.issue(atcSids.map((sid) => ({ op: 'ATC_INV', sid, addr: 0, size: 0 }) as Command), cpu, 'host');
  }
}
