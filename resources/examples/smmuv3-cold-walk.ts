// The structural cost of a nested SMMUv3 walk, in a run: with the TLBs and walk caches switched
// off every device access walks a 4-level stage 1 over a 4-level stage 2 (24 reads), and with the
// configuration cache off too it fetches the STE and CD again (36 reads with 2-level tables). The
// script form of smmuv3-cold-walk.json (a test checks they give the same specs).
import { experiment, topology, mapBench } from 'viommu-lab';

export default experiment('smmuv3 cold nested walks: 24 and 36 reads', {
  description:
    'A guest device behind a nested vSMMU (4-level stage 1, 4 KiB stage-2 leaves on a 4-level host stage 2) reads one 4 KiB page after each map. walk.reads_per_translation counts the memory reads of every translation: coldWalks "tlb" leaves only the configuration cache, "all" disables it too.',
  seed: 8,
})
  .grid({ coldWalks: ['tlb', 'all'], tables: ['linear', '2-level'] })
  .topology((p) =>
    topology({ name: `smmuv3 cold walks ${p.coldWalks}, ${p.tables} tables`, duration: '200us', profile: 'grace-tegra241' })
      .host({ arch: 'aarch64', cpus: 8 })
      .hostIommu('smmu0', 'smmuv3', { coldWalks: p.coldWalks, streamTable: p.tables, s2Levels: 4 })
      .vm('vm0', { memory: '4GiB', vcpus: 2 })
      .viommu('vsmmu0', 'smmuv3', { backing: ['smmu0'], s1Levels: 4, s2PageSize: '4KiB', cdTable: p.tables })
      .device('dma0', { kind: 'dma-engine', attach: 'vfio', viommu: 'vsmmu0', hostIommu: 'smmu0', workload: mapBench({ threads: 1, granule: '4KiB', dmaBytes: '4KiB' }) }),
  );
