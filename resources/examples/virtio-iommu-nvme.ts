// virtio-iommu in front of an assigned (VFIO) NVMe-like disk: every dma_map_sg of a request's four
// scattered segments becomes MAP requests on the virtio-iommu request queue, each a VFIO map
// ioctl in QEMU; dma_unmap_sg one UNMAP. Strict or lazy (the single 32768-entry / 1000 ms flush
// queue of shadowing IOMMUs), with or without map batching (iotlb_sync_map: one kick per
// dma_map_sg instead of one per segment). The script form of virtio-iommu-nvme.json (a test
// checks they give the same specs).
import { experiment, topology, block, KiB, us } from 'viommu-lab';

export default experiment('virtio-iommu with a VFIO NVMe disk: strict, lazy, map batching', {
  description: 'Kicks, requests and VFIO ioctls per I/O, and the stale-translation window, of virtio-iommu in its four modes (256 × 64 KiB reads of 4 segments).',
  seed: 1,
})
  .grid({ dmaMode: ['strict', 'lazy'], batchMaps: [false, true] })
  .topology((p) =>
    topology({
      name: `virtio-iommu, ${p.dmaMode}${p.batchMaps ? ', batched maps' : ''}`,
      description: `An assigned NVMe-like disk behind virtio-iommu, guest DMA API ${p.dmaMode}, ${p.batchMaps ? 'MAPs of one dma_map_sg sent with one sync' : 'each MAP sent and waited for on its own'}; 256 reads of 64 KiB in 4 physically separate segments at queue depth 8.`,
      duration: '1s',
      profile: 'kvm-x86-2024',
    })
      .host({ arch: 'x86_64', cpus: 32 })
      .vm('guest', { memory: '8GiB', vcpus: 4, dmaMode: p.dmaMode })
      .viommu('viommu0', 'virtio-iommu', { batchMaps: p.batchMaps })
      .device('nvme0', {
        kind: 'nvme',
        attach: 'vfio',
        viommu: 'viommu0',
        workload: block({ queueDepth: 8, requestSize: KiB(64), segments: 4, requests: 256, serviceTime: us(20) }),
      }),
  );
