// dma_map_benchmark in a guest on Grace, the way the published tables are made: mean and standard
// deviation of map and unmap latency in 100 ns units (bench.avg_unmap_100ns, ...), trapped
// (emulated CMDQ, forwarded by QEMU) against vCMDQ, granule 4-256 KiB x 1-4 threads, with range
// invalidation (SMMU_IDR3.RIL) on and off. The script form of smmuv3-map-bench-table.json (a test
// checks they give the same specs).
import { experiment, topology, mapBench, KiB } from 'viommu-lab';

export default experiment('smmuv3 dma_map_benchmark: trapped vs vCMDQ, granule x threads x RIL', {
  description:
    'Strict unmaps of granule-sized mappings, one benchmark thread per vCPU. RIL on: the guest sends one range TLBI_NH_VA per unmap; off: one per 4 KiB page. Trapped: the CMDQ_PROD write and the CMDQ_CONS poll exit to QEMU under its big lock, which forwards each command with IOMMU_HWPT_INVALIDATE. vCMDQ: the hardware executes them from the guest queue with no exit.',
  seed: 14,
})
  .grid({ path: ['trapped', 'vcmdq'], ril: ['on', 'off'], threads: [1, 2, 4], granule_kib: [4, 16, 64, 256] })
  .topology((p) =>
    topology({ name: `map-bench ${p.path} RIL ${p.ril}, ${p.granule_kib} KiB x ${p.threads}`, duration: '1ms', profile: 'grace-tegra241' })
      .host({ arch: 'aarch64', cpus: 72 })
      .hostIommu('smmu0', 'smmuv3', { cmdqv: true, rangeInvalidation: p.ril === 'on' })
      .vm('vm0', { memory: '8GiB', vcpus: 4 })
      .viommu('vsmmu0', 'smmuv3', { backing: ['smmu0'], vcmdq: p.path === 'vcmdq', rangeInvalidation: p.ril === 'on' })
      .device('dma0', {
        kind: 'dma-engine',
        attach: 'vfio',
        viommu: 'vsmmu0',
        hostIommu: 'smmu0',
        workload: mapBench({ threads: p.threads, granule: KiB(p.granule_kib), transDelay: '1us' }),
      }),
  );
