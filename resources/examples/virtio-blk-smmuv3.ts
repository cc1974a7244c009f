// A virtio-blk disk with VIRTIO_F_ACCESS_PLATFORM behind QEMU's emulated SMMUv3: every request's
// header, data and status are mapped through the guest's dma-iommu layer, QEMU translates each
// descriptor by walking the guest's stage-1 tables, and each unmap is a trapped TLBI + CMD_SYNC
// in strict mode, or waits in the per-CPU flush queue in lazy mode. The script form of
// virtio-blk-smmuv3.json (a test checks they give the same specs).
import { experiment, topology, block, KiB, us } from 'viommu-lab';

export default experiment('virtio-blk behind an emulated SMMUv3: strict vs lazy', {
  description: 'What strict unmaps cost a virtio-blk disk behind the emulated vSMMU, against the lazy flush queue (256 × 64 KiB reads).',
  seed: 1,
})
  .grid({ dmaMode: ['strict', 'lazy'] })
  .topology((p) =>
    topology({
      name: `virtio-blk, emulated vSMMU, ${p.dmaMode}`,
      description: `A virtio-blk disk (QEMU backend, ACCESS_PLATFORM) behind QEMU's emulated SMMUv3, guest DMA API ${p.dmaMode}; 256 reads of 64 KiB at queue depth 8.`,
      duration: '1s',
      profile: 'kvm-arm64-kunpeng920',
    })
      .host({ arch: 'aarch64', cpus: 32 })
      .hostIommu('smmu0', 'smmuv3', {})
      .vm('guest', { memory: '8GiB', vcpus: 4, dmaMode: p.dmaMode })
      .viommu('vsmmu0', 'smmuv3', { mode: 'emulated' })
      .device('disk0', {
        kind: 'virtio-blk',
        attach: 'virtio',
        viommu: 'vsmmu0',
        transport: { kind: 'virtio', params: { accessPlatform: true } },
        workload: block({ queueDepth: 8, requestSize: KiB(64), requests: 256, serviceTime: us(20) }),
      }),
  );
