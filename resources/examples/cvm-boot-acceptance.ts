// Lazy against eager memory acceptance in a confidential guest, for guest RAM from 4 to 256 GiB
// (DOMAIN.md section 8; the unaccepted-memory series reported TDX guests booting 2.5× faster at
// 4 GiB and 4× faster at 64 GiB with lazy acceptance, whole boot included). Eager accepts all RAM
// before the kernel converts anything; lazy accepts only what firmware and the early kernel
// allocate (256 MiB, the memmap, the swiotlb pool). Boot-only runs: cvm.boot_ns is the phase
// before the devices probe. The script form of cvm-boot-acceptance.json.
import { experiment, topology, GiB } from 'viommu-lab';

export default experiment('cvm boot: lazy vs eager acceptance over guest RAM', {
  description:
    'A TDX or SEV-SNP guest (4 vCPUs, 2 MiB hugetlb private backing, one virtio-blk disk that only probes) booted with lazy or eager acceptance, 4 to 256 GiB of RAM.',
  seed: 1,
})
  .grid({ kind: ['tdx', 'sev-snp'], memoryGiB: [4, 16, 64, 256], acceptance: ['lazy', 'eager'] })
  .topology((p) =>
    topology({
      name: `cvm boot: ${p.kind} ${p.memoryGiB} GiB ${p.acceptance}`,
      profile: 'kvm-x86-2024',
    })
      .host({ arch: 'x86_64', cpus: 64 })
      .vm('guest', {
        memory: GiB(p.memoryGiB),
        vcpus: 4,
        confidential: { kind: p.kind, params: { privateBacking: 'hugetlb-2m', sharedBacking: 'hugetlb-2m', acceptance: p.acceptance } },
      })
      .device('disk', { kind: 'virtio-blk', attach: 'virtio', workload: { kind: 'boot' } }),
  );
