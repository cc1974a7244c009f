// Seed 003: how much memory QEMU's IOVA tree takes for a fully mapped guest. A VFIO user inside
// the guest maps guest RAM through an assigned device's domain at boot; 4 KiB leaves against
// 2 MiB leaves. The script form of vtd-iova-tree-memory.json (a test checks they give the same specs).
import { experiment, topology, boot, type ByteSize } from 'viommu-lab';

const GiB = 2 ** 30;
const bytes = (g: ByteSize): number => Number(g.slice(0, -3)) * (g.endsWith('GiB') ? GiB : 2 ** 20);
const size = (b: number): ByteSize => (b >= GiB ? `${b / GiB}GiB` : `${b / 2 ** 20}MiB`);

export default experiment('vtd: IOVA-tree memory from the mapped size', {
  description:
    "Seed 003's memory cost of the IOVA tree: a VFIO user inside the guest (an L2 VM's QEMU) maps guest RAM through an assigned device's domain at boot; QEMU keeps one GTreeNode + DMAMap per shadowed leaf. 4 KiB leaves (about 2 % of the mapped bytes) against 2 MiB leaves (hugepage-backed), 1 to 64 GiB. vfio.dma_entry_limit is raised as such setups must.",
  seed: 1,
})
  .zip({
    leaf: ['4KiB', '4KiB', '4KiB', '2MiB', '2MiB', '2MiB', '2MiB'],
    mapped: ['256MiB', '512MiB', '1GiB', '1GiB', '4GiB', '16GiB', '64GiB'] as ByteSize[],
  })
  .topology((p) =>
    topology({ name: `vtd iova tree ${p.mapped} at ${p.leaf}`, duration: '1ms', profile: 'kvm-x86-2024' })
      .override('vfio.dma_entry_limit', 67108864)
      .host({ arch: 'x86_64', cpus: 32 })
      // Twice the mapped RAM: the guest's page tables live in its top sixteenth.
      .vm('vm0', { memory: size(2 * bytes(p.mapped)), vcpus: 2 })
      .viommu('vtd0', 'intel-iommu')
      .device('nic0', { kind: 'nic', attach: 'vfio', viommu: 'vtd0', params: { premap: p.mapped, premapLeaf: p.leaf }, workload: boot() }),
  );
