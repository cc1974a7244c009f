/** Metrics of the generic guest dma-iommu layer (engine/dma/iommu), shared by every guest IOMMU driver. */
import { declareMetrics } from './names';

declareMetrics([
  { name: 'iova.tree_ops', kind: 'counter', unit: 'count', doc: 'IOVA allocations and frees that missed the per-CPU caches and took the domain\'s tree lock' },
  { name: 'iommu.fq_flushes', kind: 'counter', unit: 'count', doc: 'whole-domain IOTLB flushes done by the lazy-mode flush queue (full queue or timer)' },
]);
