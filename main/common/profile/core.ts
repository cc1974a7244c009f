/** Parameters of the generic DMA path (guest DMA layer, devices, VM exits, VFIO) shared by every model. */
import { declareParams } from './params';

declareParams([
  { name: 'guest.dma_direct_map_ns', unit: 'ns', doc: 'guest CPU time of a dma-direct map call (no IOMMU, no bounce)' },
  { name: 'guest.dma_direct_unmap_ns', unit: 'ns', doc: 'guest CPU time of a dma-direct unmap call' },
  { name: 'guest.memcpy_bytes_per_ns', unit: 'bytes/ns', doc: 'guest CPU copy bandwidth (swiotlb bounce, one core)' },
  { name: 'guest.packet_completion_ns', unit: 'ns', doc: 'guest driver work per received/transmitted packet besides DMA mapping (descriptor handling, interrupt share)' },
  { name: 'guest.block_submit_ns', unit: 'ns', doc: 'guest driver work to build and submit one block request (doorbell write included)' },
  { name: 'guest.block_complete_ns', unit: 'ns', doc: 'guest driver work to complete one block request (interrupt share included)' },
  { name: 'guest.probe_ns', unit: 'ns', doc: 'guest driver probe work per device that is not DMA setup' },
  { name: 'device.link_bytes_per_ns', unit: 'bytes/ns', doc: 'device DMA bandwidth over its link (PCIe lanes × generation, after protocol overhead)' },
  { name: 'device.dma_latency_ns', unit: 'ns', doc: 'fixed latency of one DMA transaction on the link (request to completion), before translation' },
  { name: 'device.max_dma_bytes', unit: 'bytes', doc: 'largest single DMA transaction; bigger transfers are split' },
  { name: 'vmexit.hypercall_ns', unit: 'ns', doc: 'hypercall round trip handled in the host kernel (exit + dispatch + entry)' },
  { name: 'vmexit.mmio_kernel_ns', unit: 'ns', doc: 'MMIO exit emulated in the host kernel, round trip' },
  { name: 'vmexit.mmio_user_ns', unit: 'ns', doc: 'MMIO exit to the VMM in userspace and back, round trip' },
  { name: 'vfio.map_ioctl_ns', unit: 'ns', doc: 'VFIO_IOMMU_MAP_DMA / IOMMU_IOAS_MAP fixed cost per ioctl, excluding pinning' },
  { name: 'vfio.unmap_ioctl_ns', unit: 'ns', doc: 'VFIO_IOMMU_UNMAP_DMA / IOMMU_IOAS_UNMAP fixed cost per ioctl' },
  { name: 'vfio.pin_ns_per_page', unit: 'ns/page', doc: 'pinning one 4 KiB page already faulted in' },
  { name: 'vfio.dma_entry_limit', unit: 'count', doc: 'VFIO type1 dma_entry_limit: mappings per container' },
]);
