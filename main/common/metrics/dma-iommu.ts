/** Metrics of the generic guest dma-iommu layer (engine/dma/iommu), shared by every guest IOMMU driver. */
import { declareMetrics } from './names';

export const DMA_IOMMU_METRICS = declareMetrics({
  iovaTreeOps: { name: 'iova.tree_ops', kind: 'counter', unit: 'count', doc: 'IOVA allocations and frees that missed the per-CPU caches and took the domain\'s tree lock' },
  iommuFqFlushes: { name: 'iommu.fq_flushes', kind: 'counter', unit: 'count', doc: 'whole-domain IOTLB flushes done by the lazy-mode flush queue (full queue or timer)' },
});
