// The bare-metal baseline on x86: a host NIC behind a physical VT-d unit, driven by the host
// kernel's intel-iommu driver, strict against lazy. The script form of baremetal-nic-vtd.json (a
// test checks they give the same specs).
import { experiment, topology, nic } from 'viommu-lab';

export default experiment('bare metal: NIC strict vs lazy on a VT-d host', {
  description:
    'A 10 Gbit/s receive stream of 1500-byte packets on one queue of a host NIC behind a physical VT-d unit, no VM. Strict: every unmap submits a page-selective IOTLB invalidation and a wait descriptor (qi_submit_sync) and spins for it. Lazy: unmaps queue on the per-CPU flush queue and one domain-selective invalidation + wait covers 256 of them (or the 10 ms timer).',
  seed: 4,
})
  .grid({ dmaMode: ['strict', 'lazy'] })
  .topology((p) =>
    topology({ name: `bare-metal NIC on VT-d ${p.dmaMode}`, duration: '2ms' })
      .host({ arch: 'x86_64', cpus: 8, dmaMode: p.dmaMode })
      .hostIommu('dmar0', 'intel-iommu')
      .hostDevice('nic0', { kind: 'nic', hostIommu: 'dmar0', workload: nic({ bitrate: '10Gbps', packetSize: 1500 }) }),
  );
