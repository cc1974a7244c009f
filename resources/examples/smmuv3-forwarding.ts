// How QEMU forwards a guest's TLBI batch to the host SMMU: one IOMMU_HWPT_INVALIDATE per command
// (QEMU today) or one per vIOMMU per guest batch. The script form of smmuv3-forwarding.json (a
// test checks they give the same specs).
import { experiment, topology, mapBench, KiB } from 'viommu-lab';

export default experiment('smmuv3: TLBI forwarding per command vs batched', {
  description:
    '64 KiB unmaps on a vSMMU that does not advertise range invalidation: each unmap is 16 TLBI_NH_VA + CMD_SYNC in one guest batch. QEMU today forwards one command per IOMMU_HWPT_INVALIDATE (16 ioctls, each closed by its own CMD_SYNC on hardware); batching per vIOMMU sends the 16 in one ioctl.',
  seed: 11,
})
  .grid({ forwarding: ['per-command', 'batched'] })
  .topology((p) =>
    topology({ name: `smmuv3 forwarding ${p.forwarding}`, duration: '2ms', profile: 'grace-tegra241' })
      .host({ arch: 'aarch64', cpus: 72 })
      .hostIommu('smmu0', 'smmuv3')
      .vm('vm0', { memory: '8GiB', vcpus: 4 })
      // No RIL: the guest invalidates a 64 KiB unmap page by page (16 TLBI_NH_VA).
      .viommu('vsmmu0', 'smmuv3', { backing: ['smmu0'], forwarding: p.forwarding, rangeInvalidation: false })
      .device('dma0', {
        kind: 'dma-engine',
        attach: 'vfio',
        viommu: 'vsmmu0',
        hostIommu: 'smmu0',
        workload: mapBench({ threads: 1, granule: KiB(64), dmaBytes: '4KiB' }),
      }),
  );
