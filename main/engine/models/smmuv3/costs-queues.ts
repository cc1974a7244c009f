/**
 * Costs of SMMUv3 command submission and consumption as queues (and of TLBIs by what they cover): the host kernel's insertion into
 * a shared queue (Linux's lock-free arm_smmu_cmdq_issue_cmdlist: cmpxchg on the queue's prod/cons
 * word, the valid bitmap, the owner's PROD write, the CMD_SYNC completion wait) and how many queues
 * the SMMU consumes at once. Per-command execution costs stay in costs.ts.
 */
import { declareCosts } from '../../../common/profile/params';

export const SMMUV3_QUEUE_COSTS = declareCosts({
  hostCmdqAtomicNs: {
    name: 'host.smmu_cmdq_atomic_ns',
    unit: 'ns',
    doc: 'one atomic on a shared command-queue cache line (the cmpxchg of llq.val that reserves space, the xor that marks the valid bitmap): the line is held exclusively for this long',
    value: 60,
    source: 'estimate: a contended cache-line transfer between cores of an Arm server plus the atomic, 50-100 ns',
  },
  hostCmdqProdWriteNs: {
    name: 'host.smmu_cmdq_prod_write_ns',
    unit: 'ns',
    doc: 'the queue owner publishing PROD: writel_relaxed of the PROD register (a posted MMIO write) and the owner_prod release',
    value: 100,
    source: 'estimate: a posted device-register write plus the barrier before it',
  },
  hostCmdqConsReadNs: {
    name: 'host.smmu_cmdq_cons_read_ns',
    unit: 'ns',
    doc: 'CMD_SYNC completion seen by polling CMDQ_CONS: the readl (a non-posted MMIO read) that observes CONS past the sync',
    value: 600,
    source: 'estimate: an uncached MMIO read round trip to the SMMU, 0.5-1 us on Arm servers',
  },
  hostCmdqMsiWaitNs: {
    name: 'host.smmu_cmdq_msi_wait_ns',
    unit: 'ns',
    doc: 'CMD_SYNC completion seen through MSI write-back (Linux MSIPOLL): the cache miss on the sync entry after the SMMU wrote it',
    value: 120,
    source: 'estimate: one coherent cache-line miss after the SMMU\'s write to memory',
  },
  smmuTlbiRangeNs: {
    name: 'smmu.tlbi_range_ns',
    unit: 'ns',
    doc: 'SMMU executing one range TLBI (RIL: NUM × 2^SCALE pages of one ASID or VMID) instead of a one-page TLBI (smmu.tlbi_ns)',
    value: 400,
    source: 'estimate: the TCU compares its TLB and walk-cache entries against the range rather than one address, somewhat dearer than one page',
  },
  smmuTlbiWideNs: {
    name: 'smmu.tlbi_wide_ns',
    unit: 'ns',
    doc: 'SMMU executing one TLBI of a whole ASID, VMID or everything (TLBI_NH_ASID, NH_ALL, S12_VMALL, NSNH_ALL)',
    value: 500,
    source: 'estimate: every entry of the tag is dropped (a scan of the TLB and walk caches), plus the broadcast to the TBUs',
  },
  smmuCmdParallelism: {
    name: 'smmu.cmd_parallelism',
    unit: 'count',
    doc: 'command queues one SMMU instance consumes at the same time (each queue stays in order)',
    value: 4,
    source: 'estimate: the TCU\'s queue-processing parallelism is not published; ECMDQ and Tegra241 CMDQV are built to serve queues concurrently',
  },
});
