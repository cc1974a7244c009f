/**
 * The cost parameters the virtio transport charges, with their base values and sources; the
 * engine code reads them once into VirtioCosts. Parameters shared with other layers (vmexit.*,
 * device.*) come from the core profile.
 */
import { declareCosts } from '../../../common/profile/params';
import { CORE_COSTS } from '../../../common/profile/core';
import type { Costs } from '../../costs/costs';

export const VIRTIO_COSTS = declareCosts({
  addDescNs: {
    name: 'virtio.guest.add_desc_ns',
    unit: 'ns',
    doc: 'guest virtqueue_add work per descriptor written (besides the DMA-API map of its buffer)',
    value: 40,
    source: 'estimate: a 16-byte descriptor store, free-list update and barriers, tens of ns',
  },
  getBufNs: {
    name: 'virtio.guest.get_buf_ns',
    unit: 'ns',
    doc: 'guest virtqueue_get_buf work per completed chain (besides the DMA-API unmaps)',
    value: 60,
    source: 'estimate: used-ring read, chain walk and free-list return',
  },
  guestIrqNs: {
    name: 'virtio.guest.irq_ns',
    unit: 'ns',
    doc: 'guest cost of taking one virtqueue interrupt (injection exit/entry, vring_interrupt, callback)',
    value: 1500,
    source: 'estimate: an injected MSI-X interrupt costs about one exit round trip without posted interrupts',
  },
  backendWakeNs: {
    name: 'virtio.backend.wake_ns',
    unit: 'ns',
    doc: 'wake-up of the backend thread by an ioeventfd (eventfd signal to the poll loop or vhost worker running)',
    value: 3000,
    source: 'estimate: a cross-thread eventfd wake-up on Linux is a few us when the thread sleeps',
  },
  qemuDescNs: {
    name: 'virtio.qemu.desc_ns',
    unit: 'ns',
    doc: "QEMU's virtqueue_pop work per descriptor (read, validate, map), besides translation",
    value: 250,
    source: 'estimate: QEMU virtqueue_pop and virtqueue_map_desc per descriptor, a few hundred ns',
  },
  qemuTranslateNs: {
    name: 'virtio.qemu.translate_ns',
    unit: 'ns',
    doc: "QEMU translating one descriptor address through the vIOMMU's memory region (address_space_translate with an IOTLB hit)",
    value: 200,
    source: 'estimate: IOMMU memory-region translate with a hit in the emulated IOTLB',
  },
  vhostDescNs: {
    name: 'virtio.vhost.desc_ns',
    unit: 'ns',
    doc: 'vhost worker work per descriptor (vhost_get_vq_desc, translate_desc with a device-IOTLB hit)',
    value: 80,
    source: 'estimate: in-kernel descriptor fetch and interval-tree lookup',
  },
  vhostMissNs: {
    name: 'virtio.vhost.iotlb_miss_ns',
    unit: 'ns',
    doc: 'VMM side of a vhost device-IOTLB miss: read VHOST_IOTLB_MISS, translate through the vIOMMU, write VHOST_IOTLB_UPDATE',
    value: 6000,
    source: 'estimate: two syscalls and a vIOMMU translate on the VMM thread; the worker waits the round trip',
  },
  vhostInvalidateNs: {
    name: 'virtio.vhost.invalidate_ns',
    unit: 'ns',
    doc: 'VMM work to forward one UNMAP notification to vhost (VHOST_IOTLB_INVALIDATE write)',
    value: 1500,
    source: 'estimate: one write() to the vhost fd from the IOMMU notifier',
  },
  vhostIotlbEntries: {
    name: 'virtio.vhost.iotlb_entries',
    unit: 'count',
    doc: 'vhost device-IOTLB capacity; the oldest entry is retired when full',
    value: 2048,
    source: 'constant: drivers/vhost/vhost.c max_iotlb_entries default 2048',
  },
  swiotlbBytes: {
    name: 'virtio.guest.swiotlb_bytes',
    unit: 'bytes',
    doc: 'swiotlb pool a restricted guest bounces NO_IOMMU devices through',
    value: 64 * 2 ** 20,
    source: 'constant: Linux IO_TLB_DEFAULT_SIZE 64 MiB (DOMAIN.md section 7)',
  },
  irqInjectNs: {
    name: 'virtio.backend.irq_ns',
    unit: 'ns',
    doc: 'backend cost of signalling the guest (virtio_notify / irqfd write)',
    value: 500,
    source: 'estimate: one eventfd write into KVM irqfd',
  },
});

export type VirtioCosts = { readonly [K in keyof typeof VIRTIO_COSTS]: number } & {
  /** A kick through ioeventfd: the notify exit handled in the host kernel. */
  readonly kickKernelNs: number;
  /** A kick without ioeventfd: the notify exit goes to the VMM in userspace. */
  readonly kickUserNs: number;
};

/** Reads every cost once from the resolved profile. */
export function readVirtioCosts(costs: Costs): VirtioCosts {
  const out: Record<string, number> = {};
  for (const [k, c] of Object.entries(VIRTIO_COSTS)) out[k] = costs.get(c);
  out['kickKernelNs'] = costs.ns(CORE_COSTS.vmexitMmioKernelNs);
  out['kickUserNs'] = costs.ns(CORE_COSTS.vmexitMmioUserNs);
  return out as VirtioCosts;
}
