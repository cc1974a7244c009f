/** The metrics the virtio-iommu model emits; the model declaration registers them. */
import { declareMetrics } from '../../../common/metrics/names';

export const VIRTIO_IOMMU_METRICS = declareMetrics({
  kicks: { name: 'virtio_iommu.kicks', kind: 'counter', unit: 'count', doc: 'notifications of the request virtqueue (one notify exit each; one per sync that had requests queued)' },
  requests: { name: 'virtio_iommu.requests', kind: 'counter', unit: 'count', doc: 'requests the device processed' },
  requestsOf: { name: 'virtio_iommu.requests.*', kind: 'counter', unit: 'count', doc: 'requests the device processed, by type (attach, detach, map, unmap, probe)' },
  vfioMapIoctls: { name: 'virtio_iommu.vfio_map_ioctls', kind: 'counter', unit: 'count', doc: 'VFIO map ioctls the VMM issued for MAP requests and ATTACH replays of assigned endpoints' },
  vfioUnmapIoctls: { name: 'virtio_iommu.vfio_unmap_ioctls', kind: 'counter', unit: 'count', doc: 'VFIO unmap ioctls the VMM issued for UNMAP requests of assigned endpoints' },
  requestErrors: { name: 'virtio_iommu.request_errors', kind: 'counter', unit: 'count', doc: 'requests the device answered with a status other than OK' },
  staleWindowNs: {
    name: 'virtio_iommu.stale_window_ns',
    kind: 'histogram',
    unit: 'ns',
    doc: 'per unmapped range: time the device could still reach it after the guest unmap call returned (0 when the UNMAP completed inside the call, strict mode)',
  },
  mappingsMax: { name: 'virtio_iommu.mappings_max', kind: 'gauge', unit: 'count', doc: 'peak number of mappings the device held over all domains' },
});
