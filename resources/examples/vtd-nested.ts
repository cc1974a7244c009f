// Three-layer nesting under QEMU's intel-iommu: an L2 guest with a vIOMMU inside an L1 guest with
// a vIOMMU, against the same workload one layer down. The script form of vtd-nested.json (a test
// checks they give the same specs).
import { experiment, topology, mapBench } from 'viommu-lab';

const WORK = mapBench({ threads: 1, granule: '4KiB', dmaBytes: '4KiB', maxOps: 300 });

export default experiment('vtd: three-layer nesting', {
  description:
    "Three-layer nesting (seed 003): an assigned device used by an L2 guest with its own intel-iommu, inside an L1 guest with an intel-iommu, on L0. Each L2 map traps to L2's QEMU (in L1), which walks L2's table and issues a VFIO ioctl to L1's kernel; L1 maps through its vIOMMU, trapping to L0's QEMU, which walks L1's table and issues the host ioctl. The second run is the same workload in a single-layer guest.",
  seed: 9,
})
  .grid({ layers: [3, 2] })
  .topology((p) => {
    const t = topology({ name: p.layers === 3 ? 'vtd nested three layers' : 'vtd nested single layer', duration: '3ms', profile: 'kvm-x86-2024' })
      .host({ arch: 'x86_64', cpus: 32 })
      .vm('l1', { memory: '16GiB', vcpus: 4 })
      .viommu('vtd0', 'intel-iommu');
    if (p.layers === 2) return t.device('dma0', { kind: 'dma-engine', attach: 'vfio', viommu: 'vtd0', workload: WORK });
    return t
      .vm('l2', { memory: '4GiB', vcpus: 2 })
      .viommu('vtd0', 'intel-iommu', { nestedIn: 'l1/vtd0' })
      .device('dma0', { kind: 'dma-engine', attach: 'vfio', viommu: 'vtd0', workload: WORK });
  });
