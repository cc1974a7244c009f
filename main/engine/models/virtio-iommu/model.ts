/**
 * virtio-iommu ('virtio-iommu', role viommu): a paravirtual IOMMU whose guest driver sends
 * ATTACH / MAP / UNMAP / PROBE requests on a virtqueue, one kick per sync, and whose VMM mirrors
 * mappings of assigned (VFIO) endpoints with one ioctl per request. The guest's dma-iommu layer
 * runs over it strict or lazy (the VM's dmaMode), lazy with the single 32768-entry / 1000 ms flush
 * queue of shadowing IOMMUs. See device.ts (QEMU side), guest-domain.ts (Linux driver).
 * Does not model: the event queue, bypass and identity domains, reserved regions.
 */
import { z } from '../../../common/models/params-kit';
import { defineModel } from '../model';
import { VirtioIommuInstance } from './build';
import { VIRTIO_IOMMU_COSTS } from './cost-table';
import { VIRTIO_IOMMU_METRICS } from './metric-table';

export const virtioIommuParams = z
  .object({
    batchMaps: z
      .boolean()
      .default(true)
      .describe("Linux's iotlb_sync_map (v6.7+): the MAP requests of one dma_map call go with one sync; false: each map is sent and waited for on its own (older kernels)"),
  })
  .strict();

export const virtioIommu = defineModel({
  kind: 'virtio-iommu',
  role: 'viommu',
  summary: 'virtio-iommu: MAP/UNMAP requests on a virtqueue, one kick per sync, VFIO ioctls per request, strict or lazy (single flush queue)',
  params: virtioIommuParams,
  costs: [VIRTIO_IOMMU_COSTS],
  metrics: [VIRTIO_IOMMU_METRICS],
  vmFields: ['dmaMode'],
  create(ctx, params, at) {
    const inst = new VirtioIommuInstance(ctx.env, ctx.costs, ctx.metrics, at.spec.id, params);
    return {
      id: at.spec.id,
      attach: (device, vm) => inst.attach(device, ctx.spec.devices.indexOf(device) + 1, vm),
      finish: () => inst.finish(),
    };
  },
});
