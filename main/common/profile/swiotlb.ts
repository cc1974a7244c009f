/** Costs of the guest swiotlb bounce-buffer layer (besides the copies, charged by guest.memcpy_bytes_per_ns). */
import { declareParams } from './params';

declareParams([
  { name: 'swiotlb.alloc_ns', unit: 'ns', doc: 'swiotlb slot search and bookkeeping for one mapping, under the area lock' },
  { name: 'swiotlb.free_ns', unit: 'ns', doc: 'swiotlb slot release for one mapping, under the area lock' },
]);
