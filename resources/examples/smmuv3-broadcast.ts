// Seed 002: one VM with a GPU behind each of 5 physical SMMUs. QEMU's single vSMMU over all of
// them must send every command not tied to a device (the TLBIs) to each instance; one vSMMU per
// physical SMMU sends each command to one. The lookup variant routes ASID-tagged TLBIs by a
// table learnt from CD installs. The script form of smmuv3-broadcast.json (a test checks they
// give the same specs).
import { experiment, topology, mapBench, boot } from 'viommu-lab';

/** The physical SMMU instances of a Grace-like host. */
const SMMUS = ['smmu0', 'smmu1', 'smmu2', 'smmu3', 'smmu4'];

export default experiment('smmuv3: one vSMMU over 5 SMMUs vs one per SMMU', {
  description:
    'Grace-like host with 5 SMMUv3 instances and one VM with a GPU behind each. Only gpu0 runs a 4 KiB map/unmap loop (100 iterations). With one vSMMU over all 5 instances, QEMU must broadcast every command not tied to a device (the TLBIs) to all 5 vIOMMU objects; with one vSMMU per physical SMMU each command goes to one instance (seed 002). The lookup variant routes ASID-tagged TLBIs by a table learnt from CD installs.',
  seed: 5,
})
  // 1-vsmmu: one vSMMU backed by all 5, TLBIs broadcast; 5-vsmmus: one vSMMU per SMMU;
  // 1-vsmmu-lookup: one vSMMU backed by all 5, TLBIs sent only to the instances using the ASID.
  .grid({ shape: ['1-vsmmu', '5-vsmmus', '1-vsmmu-lookup'] })
  .topology((p) => {
    // One vSMMU per physical SMMU, or one vSMMU backed by all of them.
    const vsmmus = p.shape === '5-vsmmus' ? SMMUS.map((smmu, i) => ({ id: `vsmmu${i}`, backing: [smmu] })) : [{ id: 'vsmmu0', backing: SMMUS }];
    const dispatch = p.shape === '1-vsmmu-lookup' ? 'lookup' : 'broadcast';
    const vsmmuOf = (smmu: string): string => vsmmus.find((v) => v.backing.includes(smmu))!.id;

    return (
      topology({ name: `smmuv3 5 physical SMMUs: ${p.shape}`, duration: '4ms', profile: 'grace-tegra241' })
        .host({ arch: 'aarch64', cpus: 72 })
        .each(SMMUS, (t, smmu) => t.hostIommu(smmu, 'smmuv3'))
        .vm('vm0', { memory: '8GiB', vcpus: 4 })
        .each(vsmmus, (t, v) => t.viommu(v.id, 'smmuv3', { backing: v.backing, dispatch }))
        // gpu0 is the only one doing DMA; the others are attached (booted) so the TLBIs have somewhere to go.
        .each(SMMUS, (t, smmu, i) =>
          t.device(`gpu${i}`, {
            kind: 'gpu',
            attach: 'vfio',
            viommu: vsmmuOf(smmu),
            hostIommu: smmu,
            workload: i === 0 ? mapBench({ threads: 1, granule: '4KiB', dmaBytes: '4KiB', maxOps: 100 }) : boot(),
          }),
        )
    );
  });
