// Scalable mode with first-stage passthrough (iommufd nested HWPT) against caching-mode
// shadowing on the same assigned device. The script form of vtd-scalable.json (a test checks
// they give the same specs).
import { experiment, topology, mapBench } from 'viommu-lab';

export default experiment('vtd: scalable-mode passthrough vs shadowing', {
  description:
    "Scalable mode with first-stage passthrough (iommufd nested HWPT) against caching-mode shadowing, same assigned device and workload: with passthrough the guest's map needs no invalidation and QEMU walks nothing; an unmap's PASID-based IOTLB invalidation is forwarded with IOMMU_HWPT_INVALIDATE.",
  seed: 13,
})
  .grid({ mode: ['legacy', 'scalable-passthrough'] })
  .topology((p) =>
    topology({ name: `vtd ${p.mode}`, duration: '3ms', profile: 'kvm-x86-2024' })
      .host({ arch: 'x86_64', cpus: 32 })
      .vm('vm0', { memory: '4GiB', vcpus: 2 })
      .viommu('vtd0', 'intel-iommu', { mode: p.mode })
      .device('dma0', { kind: 'dma-engine', attach: 'vfio', viommu: 'vtd0', workload: mapBench({ threads: 1, granule: '4KiB', dmaBytes: '4KiB' }) }),
  );
