/**
 * The host kernel's arm-smmu-v3 command issue path for one physical instance.
 *
 * Models (DOMAIN.md §4): commands go out in batches of 63 + CMD_SYNC (CMDQ_BATCH_ENTRIES) on the
 * queue of the issuing CPU — its ECMDQ, a VINTF0 VCMDQ picked by CPU when Tegra241 CMDQV is
 * present, else the main CMDQ — through Linux's lock-free insertion into that queue (host-cmdq.ts:
 * shared-line reservation, owner publishing, CMD_SYNC wait by MSI or CONS polling). The stage-2 change
 * sequence of a nesting parent: S2_IPA over the range (or a VMID-wide flush past the cap), then
 * TLBI_NH_ALL for the VMID (it wipes the guest's stage-1 IOTLB state), then a full ATC flush of
 * the attached devices.
 * Does not model: ARM_SMMU_OPT_CMDQ_FORCE_SYNC, batches issued without a sync.
 */
import type { ProcessGenerator } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Metrics } from '../../metrics/collector';
import type { CommandQueue } from './cmdq';
import { closedBySync, type Command } from './commands';
import { SMMUV3_QUEUE_COSTS } from './costs-queues';
import { LockFreeCmdq, type CmdqIssueCosts, type CmdqIssueMetrics } from './host-cmdq';
import { SMMUV3_QUEUE_METRICS } from './metrics-queues';
import { CMDQ_BATCH_ENTRIES } from './linux-constants';
import type { CommandOrigin, PhysicalSmmu } from './physical-smmu';
import { tlbiForRange } from './tlbi-range';
import { SMMUV3_COSTS } from './costs';

function* issueBatches(ins: LockFreeCmdq, cmds: readonly Command[], per: number, origin: CommandOrigin): ProcessGenerator<void> {
  for (let i = 0; i < cmds.length; i += per) yield* ins.issue(closedBySync(cmds.slice(i, i + per)), origin);
}

export class HostSmmuDriver {
  private readonly cost: CmdqIssueCosts;
  private readonly m: CmdqIssueMetrics;
  private readonly inserters = new Map<CommandQueue, LockFreeCmdq>();

  constructor(
    readonly smmu: PhysicalSmmu,
    costs: Costs,
    metrics: Metrics,
  ) {
    this.cost = {
      atomic: costs.ns(SMMUV3_QUEUE_COSTS.hostCmdqAtomicNs),
      insert: costs.ns(SMMUV3_COSTS.hostSmmuCmdInsertNs),
      prodWrite: costs.ns(SMMUV3_QUEUE_COSTS.hostCmdqProdWriteNs),
      syncSeen: costs.ns(smmu.params.msiSync ? SMMUV3_QUEUE_COSTS.hostCmdqMsiWaitNs : SMMUV3_QUEUE_COSTS.hostCmdqConsReadNs),
    };
    this.m = {
      insertWait: metrics.histogram(SMMUV3_QUEUE_METRICS.cmdqInsertWaitNs),
      lineWait: metrics.histogram(SMMUV3_QUEUE_METRICS.cmdqLineWaitNs),
      engineWait: metrics.histogram(SMMUV3_QUEUE_METRICS.cmdqEngineWaitNs),
      syncWait: metrics.histogram(SMMUV3_QUEUE_METRICS.cmdqSyncWaitNs),
      publishes: metrics.counter(SMMUV3_QUEUE_METRICS.cmdqPublishes),
      gathered: metrics.counter(SMMUV3_QUEUE_METRICS.cmdqGathered),
    };
  }

  /**
   * Issues `cmds` in batches closed by CMD_SYNC on the queue of `cpu`; the caller holds the CPU
   * that pays the insertion and spins for the sync. One batch (the usual case) is the queue's
   * own issue generator, returned for the caller to `yield*` at once; `cmds` is the caller's to
   * give (its CMD_SYNC is appended to it).
   */
  issue(cmds: Command[], cpu: number, origin: CommandOrigin): ProcessGenerator<void> {
    const per = CMDQ_BATCH_ENTRIES - 1;
    const queue = this.smmu.hostQueue(cpu);
    let ins = this.inserters.get(queue);
    if (ins === undefined) this.inserters.set(queue, (ins = new LockFreeCmdq(this.smmu.env, this.smmu, queue, this.cost, this.m)));
    if (cmds.length > 0 && cmds.length <= per) return ins.issue(closedBySync(cmds), origin);
    return issueBatches(ins, cmds, per, origin);
  }

  /** Invalidation after a nesting-parent stage-2 change of [ipa, ipa+size) for `vmid`. */
  *stage2Changed(vmid: number, ipa: number, size: number, atcSids: readonly number[], cpu: number): ProcessGenerator<void> {
    const s2 = tlbiForRange({ vmid }, 'TLBI_S2_IPA', 'TLBI_S12_VMALL', ipa, size, this.smmu.params.rangeInvalidation);
    yield* this.issue([...s2, { op: 'TLBI_NH_ALL', vmid }], cpu, 'host');
    if (atcSids.length > 0) yield* this.issue(atcSids.map((sid) => ({ op: 'ATC_INV', sid, addr: 0, size: 0 }) as Command), cpu, 'host');
  }
}
