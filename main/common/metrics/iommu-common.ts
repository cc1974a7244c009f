/**
 * Cross-model IOMMU metric names (DESIGN.md §4) first needed by the SMMUv3 model. Another model
 * emits the same names; if another branch declares any of them too, keep one declaration.
 */
import { declareMetrics } from './names';

export const IOMMU_METRICS = declareMetrics({
  invalGuestCmds: { name: 'inval.guest.cmds', kind: 'counter', unit: 'count', doc: 'invalidation/configuration commands the guest IOMMU driver issued (CMD_SYNC included)' },
  exitsMmio: { name: 'exits.mmio', kind: 'counter', unit: 'count', doc: 'guest MMIO writes that exited to the VMM (e.g. an emulated command-queue doorbell)' },
  iotlbHitRate: { name: 'iotlb.hit_rate', kind: 'gauge', unit: 'ratio', doc: 'hardware IOTLB hits / lookups, all IOMMU instances' },
  walkMemReads: { name: 'walk.mem_reads', kind: 'counter', unit: 'count', doc: 'memory reads done by IOMMU table walks (nested 2-D walks and configuration fetches included)' },
});
