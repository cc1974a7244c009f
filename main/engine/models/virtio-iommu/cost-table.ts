/**
 * The cost parameters of the virtio-iommu model, with defaults and sources. VFIO ioctl costs
 * (vfio.*) and the notify exit (vmexit.mmio_kernel_ns) come from the core profile.
 */

import { declareCosts } from '../../../common/profile/params';
import { CORE_COSTS } from '../../../common/profile/core';
import type { Costs } from '../../costs/costs';

export const VIRTIO_IOMMU_COSTS = declareCosts({
  guestReqNs: {
    name: 'virtio_iommu.guest.req_ns',
    unit: 'ns',
    doc: 'guest viommu_add_req: build one request and add it to the request virtqueue, under request_lock',
    value: 150,
    source: 'estimate: a small struct fill, two scatterlist entries and virtqueue_add_sgs',
  },
  vmmWakeNs: {
    name: 'virtio_iommu.vmm.wake_ns',
    unit: 'ns',
    doc: "wake-up of QEMU's main loop by the request queue's ioeventfd",
    value: 3000,
    source: 'estimate: a cross-thread eventfd wake-up, a few us',
  },
  vmmReqNs: {
    name: 'virtio_iommu.vmm.req_ns',
    unit: 'ns',
    doc: "QEMU's handling of one request (virtqueue_pop, parse, mapping-tree update, push), besides VFIO ioctls",
    value: 1500,
    source: 'estimate: virtio_iommu_handle_command per request under the BQL',
  },
  fqEntries: {
    name: 'virtio_iommu.guest.fq_entries',
    unit: 'count',
    doc: 'lazy mode: entries of the single flush queue Linux gives shadowing IOMMUs',
    value: 32768,
    source: 'constant: drivers/iommu/dma-iommu.c IOVA_SINGLE_FQ_SIZE (DOMAIN.md section 2)',
  },
  fqTimeoutNs: {
    name: 'virtio_iommu.guest.fq_timeout_ns',
    unit: 'ns',
    doc: 'lazy mode: timeout of the single flush queue',
    value: 1_000_000_000,
    source: 'constant: drivers/iommu/dma-iommu.c IOVA_SINGLE_FQ_TIMEOUT 1000 ms (DOMAIN.md section 2)',
  },
});

export type VirtioIommuCosts = { readonly [K in keyof typeof VIRTIO_IOMMU_COSTS]: number } & {
  readonly kickNs: number;
  readonly vfioMapNs: number;
  readonly vfioUnmapNs: number;
  readonly vfioPinNsPerPage: number;
};

export function readVirtioIommuCosts(costs: Costs): VirtioIommuCosts {
  const out: Record<string, number> = {};
  for (const [k, c] of Object.entries(VIRTIO_IOMMU_COSTS)) out[k] = costs.get(c);
  out['kickNs'] = costs.ns(CORE_COSTS.vmexitMmioKernelNs);
  out['vfioMapNs'] = costs.ns(CORE_COSTS.vfioMapIoctlNs);
  out['vfioUnmapNs'] = costs.ns(CORE_COSTS.vfioUnmapIoctlNs);
  out['vfioPinNsPerPage'] = costs.get(CORE_COSTS.vfioPinNsPerPage);
  return out as VirtioIommuCosts;
}
