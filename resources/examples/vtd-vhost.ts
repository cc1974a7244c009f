// A vhost-net guest behind QEMU's intel-iommu, with and without the page walk for vhost's
// UNMAP-only notifier. The script form of vtd-vhost.json (a test checks they give the same specs).
import { experiment, topology, nic } from 'viommu-lab';

export default experiment('vtd: vhost with and without the page walk', {
  description:
    "A vhost-net guest behind QEMU's intel-iommu: vhost registers an UNMAP-only notifier, so since the 2018 series a PSI reaches it as one UNMAP with no page walk (walk: false); before, QEMU walked the guest table for every PSI (walk: true). vhost's device IOTLB refills through misses answered by QEMU.",
  seed: 7,
})
  .grid({ walk: [false, true] })
  .topology((p) =>
    topology({ name: `vtd vhost walk ${p.walk}`, duration: '10ms', profile: 'kvm-x86-2024' })
      .host({ arch: 'x86_64', cpus: 32 })
      .vm('vm0', { memory: '4GiB', vcpus: 2 })
      .viommu('vtd0', 'intel-iommu', { cachingMode: false, unmapOnlyWalk: p.walk })
      .device('net0', {
        kind: 'virtio-net',
        attach: 'vhost',
        viommu: 'vtd0',
        workload: nic({ direction: 'tx', bitrate: '10Gbps', packetSize: 1500, ringSize: 256 }),
      }),
  );
