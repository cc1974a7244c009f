// Seed: trapped vs vCMDQ invalidation on Grace (Tegra241 CMDQV). The script form of
// smmuv3-vcmdq-sweep.json: the same 28 specs (a test checks they are equal).
import { experiment, topology, mapBench, KiB } from 'viommu-lab';

export default experiment('smmuv3 trapped vs vCMDQ invalidation', {
  description:
    "dma_map_benchmark-style loop in a guest on Grace: map, let the device read through the mapping, unmap (strict). Trapped: the guest's CMDQ_PROD write exits to QEMU, which forwards each TLBI with IOMMU_HWPT_INVALIDATE. vCMDQ: the guest posts TLBI_NH_VA + CMD_SYNC to its own VCMDQ and the hardware executes them with no exit.",
  seed: 7,
})
  .grid({ path: ['trapped', 'vcmdq'], threads: [1, 2], granule_kib: [4, 8, 16, 32, 64, 128, 256] })
  .topology((p) =>
    topology({ name: `smmuv3 ${p.path} invalidation, ${p.granule_kib} KiB x ${p.threads} thread(s)`, duration: '2ms', profile: 'grace-tegra241' })
      .host({ arch: 'aarch64', cpus: 72 })
      .hostIommu('smmu0', 'smmuv3', { cmdqv: true })
      .vm('vm0', { memory: '8GiB', vcpus: 4 })
      .viommu('vsmmu0', 'smmuv3', { backing: ['smmu0'], vcmdq: p.path === 'vcmdq' })
      .device('dma0', {
        kind: 'dma-engine',
        attach: 'vfio',
        viommu: 'vsmmu0',
        hostIommu: 'smmu0',
        workload: mapBench({ threads: p.threads, granule: KiB(p.granule_kib), dmaBytes: '4KiB' }),
      }),
  );
