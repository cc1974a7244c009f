// Seed 003: Jintack Lim's scp error, reproduced from mechanisms. A bulk receive through an
// assigned NIC behind QEMU's intel-iommu while a 2018 guest's lazy flush queue issues domain
// invalidations; unmap-all-replay (QEMU before the 2018 series) against the IOVA-tree delta
// (today). The script form of vtd-scp-race.json (a test checks they give the same specs).
import { experiment, topology, nic } from 'viommu-lab';

export default experiment('vtd: the scp race, unmap-all-replay vs IOVA-tree delta', {
  description:
    "Seed 003, Jintack Lim's scp error: a bulk receive through an assigned NIC behind QEMU's intel-iommu (caching mode) in a 2018 guest that keeps its lazy flush queue, so every flush is a domain invalidation (DSI). unmap-all-replay (QEMU before Peter Xu's 2018 series) unmaps the whole shadow and replays it: receive buffers posted in that gap have no host mapping, the NIC's DMA faults and the packet is dropped. iova-tree-delta (QEMU since) syncs only the difference. The ring size sets how much is mapped.",
  seed: 3,
})
  .grid({ resync: ['unmap-all-replay', 'iova-tree-delta'], ring: [256, 1024] })
  .topology((p) =>
    topology({ name: `vtd scp race ${p.resync} ring ${p.ring}`, duration: '30ms', profile: 'kvm-x86-2024' })
      .host({ arch: 'x86_64', cpus: 32 })
      // A 2018 guest: lazy flush queue kept under caching mode, so each flush is a DSI.
      .vm('vm0', { memory: '4GiB', vcpus: 2, dmaMode: 'lazy' })
      .viommu('vtd0', 'intel-iommu', { resync: p.resync, guestStrictWithCm: false })
      .device('nic0', {
        kind: 'nic',
        attach: 'vfio',
        viommu: 'vtd0',
        workload: nic({ direction: 'rx', bitrate: '500Mbps', packetSize: 1500, ringSize: p.ring, bufferSize: 2048 }),
      }),
  );
