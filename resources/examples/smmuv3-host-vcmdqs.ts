// A Grace host (Tegra241 CMDQV) giving its own kernel 1, 2 or 4 VCMDQs in VINTF0, picked per CPU:
// more queues, fewer CPUs per queue, and queues the SMMU consumes at the same time. The script
// form of smmuv3-host-vcmdqs.json (a test checks they give the same specs).
import { experiment, topology, mapBench } from 'viommu-lab';

export default experiment('smmuv3 host: 1 vs several host VCMDQs (Grace CMDQV)', {
  description:
    'dma_map_benchmark on a bare-metal device, 8 threads on 8 host CPUs, 4 KiB strict unmaps. The host kernel puts hostVcmdqs VCMDQs in VINTF0 and CPU c uses VCMDQ c mod n; CPUs sharing a VCMDQ go through the same lock-free insertion as on the main CMDQ.',
  seed: 6,
})
  .grid({ hostVcmdqs: [1, 2, 4] })
  .topology((p) =>
    topology({ name: `smmuv3 host ${p.hostVcmdqs} VCMDQ(s)`, duration: '300us', profile: 'grace-tegra241' })
      .host({ arch: 'aarch64', cpus: 8, dmaMode: 'strict' })
      .hostIommu('smmu0', 'smmuv3', { cmdqv: true, hostVcmdqs: p.hostVcmdqs })
      .hostDevice('dma0', { kind: 'dma-engine', hostIommu: 'smmu0', workload: mapBench({ threads: 8, granule: '4KiB' }) }),
  );
