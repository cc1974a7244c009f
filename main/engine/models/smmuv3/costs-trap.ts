/** Costs of the trapped vSMMU path in QEMU beyond decoding: register reads, range splitting, IOTLB scans, notifiers, the guest's sync wait. */
import { declareCosts } from '../../../common/profile/params';

export const SMMUV3_TRAP_COSTS = declareCosts({
  vsmmuRegReadNs: {
    name: 'vsmmu.reg_read_ns',
    unit: 'ns',
    doc: 'QEMU handling one read of an emulated SMMU register (smmu_readl: CMDQ_CONS) beyond the exit',
    value: 150,
    source: 'estimate: the MMIO dispatch and a register lookup in QEMU, a few hundred cycles',
  },
  vsmmuInvalChunkNs: {
    name: 'vsmmu.inval_chunk_ns',
    unit: 'ns',
    doc: 'QEMU per power-of-two chunk of a trapped range TLBI (smmuv3_range_inval: mask, trace, the IOTLB invalidation call) besides the IOTLB scan',
    value: 150,
    source: 'estimate: a loop iteration with its trace point and calls, a few hundred cycles',
  },
  vsmmuSwIotlbScanNs: {
    name: 'vsmmu.sw_iotlb_scan_ns',
    unit: 'ns',
    doc: 'QEMU visiting one software IOTLB entry while invalidating a range (g_hash_table_foreach_remove walks every entry)',
    value: 15,
    source: 'estimate: one hash-table entry visit and key comparison',
  },
  vsmmuNotifierNs: {
    name: 'vsmmu.notifier_ns',
    unit: 'ns',
    doc: 'QEMU notifying one IOMMU UNMAP notifier of one invalidation chunk (vhost: an IOTLB invalidate message to the kernel)',
    value: 1500,
    source: 'estimate: memory_region_notify_iommu_one plus vhost\'s write of an IOTLB message to its fd, a syscall',
  },
  guestSmmuMsiWaitNs: {
    name: 'guest.smmu_msi_wait_ns',
    unit: 'ns',
    doc: 'guest seeing a CMD_SYNC completion the (v)SMMU wrote to memory (MSI write-back), after its doorbell returned',
    value: 120,
    source: 'estimate: one cache-line miss on the sync entry',
  },
});
