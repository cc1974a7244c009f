/** Costs of the guest swiotlb bounce-buffer layer (besides the copies, charged by guest.memcpy_bytes_per_ns). */
import { declareCosts } from './params';

export const SWIOTLB_COSTS = declareCosts({
  allocNs: {
    name: 'swiotlb.alloc_ns',
    unit: 'ns',
    doc: 'swiotlb slot search and bookkeeping for one mapping, under the area lock',
    value: 200,
    source: "estimate: swiotlb_search_pool_area scan and slot bookkeeping under the area lock",
  },
  freeNs: {
    name: 'swiotlb.free_ns',
    unit: 'ns',
    doc: 'swiotlb slot release for one mapping, under the area lock',
    value: 100,
    source: "estimate: swiotlb_release_slots bookkeeping under the area lock",
  },
});
