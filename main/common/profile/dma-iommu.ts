/** Costs and policy constants of the guest dma-iommu layer (engine/dma/iommu), shared by every guest IOMMU driver. */
import { declareCosts } from './params';

export const DMA_IOMMU_COSTS = declareCosts({
  dmaIommuMapNs: {
    name: 'guest.dma_iommu_map_ns',
    unit: 'ns',
    doc: 'guest CPU time of iommu_dma_map_page besides IOVA allocation and PTE writes (checks, bookkeeping)',
    value: 150,
    source: "estimate: iommu_dma_map_page checks and bookkeeping besides IOVA and PTE work, a few hundred instructions",
  },
  dmaIommuUnmapNs: {
    name: 'guest.dma_iommu_unmap_ns',
    unit: 'ns',
    doc: 'guest CPU time of iommu_dma_unmap_page besides PTE clears, invalidation and IOVA free',
    value: 150,
    source: "estimate: iommu_dma_unmap_page bookkeeping besides PTE clear, invalidation and IOVA free",
  },
  iovaRcacheNs: {
    name: 'guest.iova_rcache_ns',
    unit: 'ns',
    doc: 'IOVA alloc or free served by the per-CPU magazines',
    value: 50,
    source: "estimate: per-CPU magazine push/pop under a CPU-local lock",
  },
  iovaTreeNs: {
    name: 'guest.iova_tree_ns',
    unit: 'ns',
    doc: 'IOVA alloc or free in the rbtree, time holding the domain lock',
    value: 400,
    source: "estimate: rbtree search/insert or erase under iova_rbtree_lock, uncontended",
  },
  iommuFqEntries: {
    name: 'guest.iommu_fq_entries',
    unit: 'count',
    doc: 'lazy mode: entries per per-CPU flush queue (IOVA_FQ_SIZE)',
    value: 256,
    source: "constant: IOVA_FQ_SIZE = 256 entries per CPU (DOMAIN.md section 2)",
  },
  iommuFqTimeoutNs: {
    name: 'guest.iommu_fq_timeout_ns',
    unit: 'ns',
    doc: 'lazy mode: flush-queue timer (IOVA_FQ_TIMEOUT)',
    value: 10000000,
    source: "constant: IOVA_FQ_TIMEOUT = 10 ms (DOMAIN.md section 2)",
  },
});
