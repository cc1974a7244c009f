// The baseline every vIOMMU design is measured against: a NIC on bare metal, driven by the host
// kernel's own dma-iommu over a physical SMMUv3, strict against lazy (flush queue). The script
// form of baremetal-nic-strict-lazy.json (a test checks they give the same specs).
import { experiment, topology, nic } from 'viommu-lab';

export default experiment('bare metal: NIC strict vs lazy on an SMMUv3 host', {
  description:
    'A 10 Gbit/s receive stream of 1500-byte packets on one queue of a host NIC behind a physical SMMUv3, no VM. Strict: every unmap sends TLBI_NH_VA + CMD_SYNC on the host command queue and waits for it. Lazy: unmaps queue on the per-CPU flush queue and one TLBI_NH_ASID + CMD_SYNC covers 256 of them (or the 10 ms timer).',
  seed: 3,
})
  .grid({ dmaMode: ['strict', 'lazy'] })
  .topology((p) =>
    topology({ name: `bare-metal NIC ${p.dmaMode}`, duration: '2ms' })
      .host({ arch: 'aarch64', cpus: 8, dmaMode: p.dmaMode })
      .hostIommu('smmu0', 'smmuv3')
      .hostDevice('nic0', { kind: 'nic', hostIommu: 'smmu0', workload: nic({ bitrate: '10Gbps', packetSize: 1500 }) }),
  );
