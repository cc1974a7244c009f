/** Metrics of the guest swiotlb bounce-buffer layer. */
import { declareMetrics } from './names';

export const SWIOTLB_METRICS = declareMetrics({
  bounceBytes: { name: 'swiotlb.bounce_bytes', kind: 'counter', unit: 'bytes', doc: 'bytes copied between DMA buffers and swiotlb slots (both directions)' },
  maps: { name: 'swiotlb.maps', kind: 'counter', unit: 'count', doc: 'mappings bounced through swiotlb' },
  full: { name: 'swiotlb.full', kind: 'counter', unit: 'count', doc: 'mappings that failed because no run of free slots was found ("swiotlb buffer is full")' },
  usedSlotsMax: { name: 'swiotlb.used_slots_max', kind: 'gauge', unit: 'count', doc: 'peak number of swiotlb slots in use' },
  memSwiotlbBytes: { name: 'mem.swiotlb_bytes', kind: 'gauge', unit: 'bytes', doc: 'swiotlb pool memory plus its per-slot metadata' },
});
