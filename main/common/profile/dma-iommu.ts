/** Costs and policy constants of the guest dma-iommu layer (engine/dma/iommu), shared by every guest IOMMU driver. */
import { declareParams } from './params';

declareParams([
  { name: 'guest.dma_iommu_map_ns', unit: 'ns', doc: 'guest CPU time of iommu_dma_map_page besides IOVA allocation and PTE writes (checks, bookkeeping)' },
  { name: 'guest.dma_iommu_unmap_ns', unit: 'ns', doc: 'guest CPU time of iommu_dma_unmap_page besides PTE clears, invalidation and IOVA free' },
  { name: 'guest.iova_rcache_ns', unit: 'ns', doc: 'IOVA alloc or free served by the per-CPU magazines' },
  { name: 'guest.iova_tree_ns', unit: 'ns', doc: 'IOVA alloc or free in the rbtree, time holding the domain lock' },
  { name: 'guest.iommu_fq_entries', unit: 'count', doc: 'lazy mode: entries per per-CPU flush queue (IOVA_FQ_SIZE)' },
  { name: 'guest.iommu_fq_timeout_ns', unit: 'ns', doc: 'lazy mode: flush-queue timer (IOVA_FQ_TIMEOUT)' },
]);
