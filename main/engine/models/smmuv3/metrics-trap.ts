/** Metrics of the trapped vSMMU path in QEMU: the big lock and the guest's CMD_SYNC completion wait. */
import { declareMetrics } from '../../../common/metrics/names';

export const SMMUV3_TRAP_METRICS = declareMetrics({
  bqlWaitNs: { name: 'vsmmu.bql_wait_ns', kind: 'histogram', unit: 'ns', doc: 'wait for QEMU\'s big lock per acquisition by the vSMMU (CMDQ_PROD write, CMDQ_CONS read, software translation)' },
  bqlWaitTotalNs: { name: 'vsmmu.bql_wait_total_ns', kind: 'counter', unit: 'ns', doc: 'total wait for QEMU\'s big lock by the vSMMU, all vCPUs and devices' },
  syncWaitExits: { name: 'vsmmu.sync_wait_exits', kind: 'counter', unit: 'count', doc: 'MMIO exits of a guest polling CMDQ_CONS for CMD_SYNC completion on the emulated queue (also in exits.mmio)' },
  rangeChunks: { name: 'vsmmu.inval_chunks', kind: 'counter', unit: 'count', doc: 'emulated vSMMU: power-of-two chunks QEMU split trapped TLBI ranges into (smmuv3_range_inval), each invalidating its IOTLB and notifying the notifiers' },
  notifierCalls: { name: 'vsmmu.notifier_calls', kind: 'counter', unit: 'count', doc: 'emulated vSMMU: IOMMU UNMAP notifications QEMU sent for invalidation chunks (one per chunk per device with a notifier, e.g. vhost)' },
});
