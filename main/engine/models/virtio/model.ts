/**
 * The virtio transport ('virtio', role transport: devices[].transport): split virtqueues, kicks
 * and interrupts, QEMU or vhost backends, and the access flags of seed 001 — ACCESS_PLATFORM and
 * the proposed ACCESS_PLATFORM_NO_IOMMU — deciding whether the device gets guest-physical
 * addresses, the platform's DMA path (vIOMMU, TCEs, swiotlb) or dma-direct with restricted access.
 * See build.ts (negotiation, route), transport.ts (rings, backends), blk.ts (virtio-blk requests).
 * virtio-net uses the generic NIC rings through the transport: one map per posted receive buffer
 * or transmitted packet, the backend translating each access.
 * Does not model: packed rings, multiqueue, control queues, virtio-net's kicks and interrupts
 * (its buffers go through the transport's DMA route and backend translation only).
 */
import { defineModel } from '../model';
import { buildVirtio } from './build';
import { VIRTIO_COSTS } from './cost-table';
import { VIRTIO_METRICS } from './metric-table';
import { virtioParams } from './params';

export const virtio = defineModel({
  kind: 'virtio',
  role: 'transport',
  summary: 'virtio-pci transport: virtqueues, kicks, QEMU or vhost backend, ACCESS_PLATFORM / proposed NO_IOMMU (seed 001)',
  params: virtioParams,
  costs: [VIRTIO_COSTS],
  metrics: [VIRTIO_METRICS],
  create(ctx, params, at) {
    return {
      wrap: (vm, path) =>
        buildVirtio({
          env: ctx.env,
          costs: ctx.costs,
          metrics: ctx.metrics,
          note: (t) => ctx.note(t),
          hostArch: ctx.spec.host.arch,
          device: at.device,
          at: at.path,
          vm,
          confidential: vm.spec.confidential.kind,
          path,
          params,
        }),
    };
  },
});
