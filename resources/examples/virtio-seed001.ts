// Seed 001: what VIRTIO_F_ACCESS_PLATFORM costs a pseries guest, and what the proposed
// ACCESS_PLATFORM_NO_IOMMU would change. A normal and a secure (PEF) guest, a virtio-blk disk or a
// virtio-net NIC behind the PHB, under each flag (none / ACCESS_PLATFORM / NO_IOMMU), with a
// direct DDW (all RAM mapped once at boot) or only the default 32-bit window (TCEs per buffer).
// The script form of virtio-seed001.json (a test checks they give the same specs).
import { experiment, topology, block, nic, KiB, Kpps, us } from 'viommu-lab';

type Flag = 'none' | 'access-platform' | 'no-iommu';

const FLAGS: Record<Flag, { accessPlatform: boolean; noIommu: boolean; what: string }> = {
  none: { accessPlatform: false, noIommu: false, what: 'no access flag (guest-physical addresses, no DMA API)' },
  'access-platform': { accessPlatform: true, noIommu: false, what: 'VIRTIO_F_ACCESS_PLATFORM (every buffer through the PHB\'s TCEs)' },
  'no-iommu': { accessPlatform: false, noIommu: true, what: 'the proposed ACCESS_PLATFORM_NO_IOMMU (dma-direct, swiotlb when secure)' },
};

export default experiment('virtio seed 001: ACCESS_PLATFORM vs NO_IOMMU on pseries', {
  description:
    'Per-I/O hypercalls, bounce bytes, throughput and I/O errors of virtio-blk and virtio-net on a normal and a secure pseries guest under each access flag, with a direct DDW or only the default window.',
  seed: 1,
})
  .grid({
    guest: ['normal', 'secure'],
    flag: ['none', 'access-platform', 'no-iommu'],
    window: ['direct-ddw', 'default-window'],
    device: ['virtio-blk', 'virtio-net'],
  })
  .topology((p) => {
    const f = FLAGS[p.flag];
    const blk = p.device === 'virtio-blk';
    return topology({
      name: `${p.guest} guest, ${p.device}, ${p.flag}, ${p.window}`,
      description: `A ${p.guest === 'secure' ? 'secure (PEF)' : 'normal'} pseries guest with a ${p.device} device under ${f.what}, ${p.window === 'direct-ddw' ? 'with a direct DDW' : 'with only the default 32-bit window'}; TCE hypercalls handled in QEMU.`,
      // A block run ends after its 256 requests; the duration is only a cap.
      duration: blk ? '1s' : '20ms',
      profile: 'power9-kvm',
    })
      .host({ arch: 'ppc64le', cpus: 32 })
      .vm('guest', { memory: '8GiB', vcpus: 4, confidential: p.guest === 'secure' ? 'pef' : 'none' })
      .viommu('phb0', 'spapr-tce', p.window === 'direct-ddw' ? {} : { ddw: false })
      .device('dev0', {
        kind: p.device,
        attach: 'virtio',
        viommu: 'phb0',
        transport: { kind: 'virtio', params: { accessPlatform: f.accessPlatform, noIommu: f.noIommu } },
        workload: blk
          ? block({ queueDepth: 8, requestSize: KiB(64), requests: 256, serviceTime: us(20) })
          : nic({ direction: 'rx', packetRate: Kpps(20), packetSize: 1500, ringSize: 256 }),
      });
  });
