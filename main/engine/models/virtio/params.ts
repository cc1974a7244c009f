/**
 * Parameters of the virtio transport (devices[].transport of kind "virtio"): the access flags
 * the device offers and the driver accepts, QEMU's notification and threading choices, and the
 * virtqueue features (the backend — QEMU or vhost — is the device's `attach`). Defaults
 * are QEMU's for virtio-pci devices and Linux's driver behaviour.
 */
import { z } from '../../../common/models/params-kit';

export const virtioParams = z
  .object({
    accessPlatform: z
      .boolean()
      .default(false)
      .describe('VIRTIO_F_ACCESS_PLATFORM offered and accepted (QEMU iommu_platform=on; off by default): every buffer goes through the platform DMA API'),
    noIommu: z
      .boolean()
      .default(false)
      .describe('the proposed VIRTIO_F_ACCESS_PLATFORM_NO_IOMMU (seed 001): restricted access without translation — dma-direct, swiotlb in a restricted guest; an error together with accessPlatform'),
    ioeventfd: z
      .boolean()
      .default(true)
      .describe('QEMU backend: kicks are handled in KVM and signal an eventfd (ioeventfd=on); off: every kick is an exit to QEMU (vhost always uses ioeventfd)'),
    iothread: z.boolean().default(false).describe("QEMU backend: the device runs in its own iothread instead of QEMU's main loop (shared with other emulation)"),
    queueSize: z
      .number()
      .int()
      .min(2)
      .max(32768)
      .refine((n) => (n & (n - 1)) === 0, { message: 'queueSize must be a power of two' })
      .default(256)
      .describe('descriptors per virtqueue (QEMU queue-size / rx_queue_size default 256)'),
    indirectDesc: z.boolean().default(true).describe('VIRTIO_F_RING_INDIRECT_DESC (QEMU indirect_desc=on): multi-buffer chains use one mapped indirect table'),
    eventIdx: z.boolean().default(true).describe('VIRTIO_F_RING_EVENT_IDX (QEMU event_idx=on): notifications suppressed by used_event / avail_event instead of flags'),
    segMax: z.number().int().min(1).default(254).describe('virtio-blk seg_max: most data segments per request (QEMU: queue-size − 2); a request needing more is refused'),
  })
  .strict();

export type VirtioParams = z.output<typeof virtioParams>;
