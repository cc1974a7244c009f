/** The metrics the virtio transport emits (name, kind, unit, meaning); the model declaration registers them. */
import { declareMetrics } from '../../../common/metrics/names';

export const VIRTIO_METRICS = declareMetrics({
  kicks: { name: 'virtio.kicks', kind: 'counter', unit: 'count', doc: 'driver notifications to the device (each a notify exit: ioeventfd in KVM or a VMM exit)' },
  kicksSuppressed: { name: 'virtio.kicks_suppressed', kind: 'counter', unit: 'count', doc: 'additions that needed no kick because the backend had notifications off (NO_NOTIFY / avail_event)' },
  interrupts: { name: 'virtio.interrupts', kind: 'counter', unit: 'count', doc: 'virtqueue interrupts the guest took' },
  chains: { name: 'virtio.chains', kind: 'counter', unit: 'count', doc: 'descriptor chains the device returned' },
  dmaMaps: { name: 'virtio.dma_maps', kind: 'counter', unit: 'count', doc: 'DMA-API maps of virtqueue buffers (header, data segments, status...; not rings or indirect tables)' },
  dmaUnmaps: { name: 'virtio.dma_unmaps', kind: 'counter', unit: 'count', doc: 'DMA-API unmaps of virtqueue buffers' },
  indirectMaps: { name: 'virtio.indirect_maps', kind: 'counter', unit: 'count', doc: 'DMA-API maps of indirect descriptor tables' },
  ringMaps: { name: 'virtio.ring_maps', kind: 'counter', unit: 'count', doc: 'virtqueue rings allocated with the coherent DMA API at probe' },
  backendTranslations: { name: 'virtio.backend_translations', kind: 'counter', unit: 'count', doc: 'descriptor addresses the backend translated through the vIOMMU (QEMU) or looked up in the device IOTLB (vhost)' },
  vhostIotlbHits: { name: 'virtio.vhost.iotlb_hits', kind: 'counter', unit: 'count', doc: 'vhost device-IOTLB lookups that hit' },
  vhostIotlbMisses: { name: 'virtio.vhost.iotlb_misses', kind: 'counter', unit: 'count', doc: 'vhost device-IOTLB misses (one VHOST_IOTLB_MISS round trip to the VMM each)' },
  vhostInvalidations: { name: 'virtio.vhost.invalidations', kind: 'counter', unit: 'count', doc: 'UNMAP notifications that reached the vhost device IOTLB' },
  vhostStaleUses: { name: 'virtio.vhost.stale_uses', kind: 'counter', unit: 'count', doc: 'vhost accesses through a device-IOTLB entry the guest had already unmapped (also in security.stale_dma)' },
});
