// One VM spread over 8 physical SMMUs: is the host stage 2 duplicated per SMMU instance or one
// table shared by all of them, when the VMM keeps remapping guest RAM? The script form of
// smmuv3-shared-stage2.json (a test checks they give the same specs).
import { experiment, topology, mapBench, boot, us } from 'viommu-lab';

const SMMU_COUNT = 8;

export default experiment('smmuv3: stage 2 duplicated vs shared over 8 SMMUs', {
  description:
    'One VM with a device behind each of 8 physical SMMUs (one vSMMU per instance). The host stage 2 (4 KiB leaves over 1 GiB of guest RAM) is either duplicated per instance or one shared table. nic0 runs a slow map/unmap loop so the run has a measured phase. Every millisecond the VMM remaps 2 MiB of guest RAM (balloon / virtio-mem): each copy is rewritten and every attached instance gets the S2_IPA + TLBI_NH_ALL + CMD_SYNC sequence.',
  seed: 8,
})
  .grid({ stage2: ['duplicated', 'shared'] })
  .topology((p) =>
    topology({ name: `smmuv3 stage 2 ${p.stage2}, VM over ${SMMU_COUNT} SMMUs`, duration: '4ms', profile: 'grace-tegra241' })
      .host({ arch: 'aarch64', cpus: 72 })
      .each(SMMU_COUNT, (t, i) => t.hostIommu(`smmu${i}`, 'smmuv3'))
      .vm('vm0', { memory: '1GiB', vcpus: 8 })
      // One vSMMU per physical SMMU. Balloon / virtio-mem: 2 MiB of guest RAM remapped every millisecond.
      .each(SMMU_COUNT, (t, i) =>
        t.viommu(`vsmmu${i}`, 'smmuv3', { backing: [`smmu${i}`], stage2: p.stage2, s2PageSize: '4KiB', s2ChangeEvery: '1ms', s2ChangeBytes: '2MiB' }),
      )
      // nic0's slow loop gives the run a measured phase; the other NICs are only attached.
      .each(SMMU_COUNT, (t, i) =>
        t.device(`nic${i}`, {
          kind: 'nic',
          attach: 'vfio',
          viommu: `vsmmu${i}`,
          hostIommu: `smmu${i}`,
          workload: i === 0 ? mapBench({ threads: 1, granule: '4KiB', dmaBytes: '4KiB', thinkTime: us(20) }) : boot(),
        }),
      ),
  );
