// Host command submission on one SMMUv3: every CPU of a bare-metal host unmapping (strict) through
// the one shared CMDQ — Linux's lock-free insertion, one owner publishing for all, the queue
// consumed in order — against SMMUv3.3 ECMDQs, one per CPU. The script form of
// smmuv3-host-cmdq.json (a test checks they give the same specs).
import { experiment, topology, mapBench } from 'viommu-lab';

export default experiment('smmuv3 host: shared CMDQ vs ECMDQ, 1-32 CPUs', {
  description:
    'dma_map_benchmark on a bare-metal device, one thread per host CPU, 4 KiB strict unmaps (TLBI_NH_VA + CMD_SYNC each). Shared: all CPUs insert into the main CMDQ and wait behind each other (smmu.cmdq_insert_wait_ns). ECMDQ: each CPU has its own queue; the SMMU consumes up to smmu.cmd_parallelism queues at once (smmu.hw_overlap_ns, smmu.cmdq_engine_wait_ns).',
  seed: 5,
})
  .grid({ queues: ['shared', 'ecmdq'], cpus: [1, 2, 4, 8, 16, 32] })
  .topology((p) =>
    topology({ name: `smmuv3 host ${p.queues} CMDQ, ${p.cpus} CPU(s)`, duration: '300us' })
      .host({ arch: 'aarch64', cpus: p.cpus })
      .hostIommu('smmu0', 'smmuv3', { ecmdqs: p.queues === 'ecmdq' ? p.cpus : 0, msiSync: true })
      .hostDevice('dma0', { kind: 'dma-engine', hostIommu: 'smmu0', workload: mapBench({ threads: p.cpus, granule: '4KiB' }) }),
  );
