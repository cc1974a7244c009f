// Seed 004 (Vishal Annapurve's RFC "x86: CVMs: Align memory conversions to 2M granularity"):
// a confidential guest whose private and shared memory are backed by 2 MiB hugetlb pages, with
// a NIC or a disk, today (a page-aligned 6 % swiotlb pool, every dma_alloc_coherent converted on
// its own at 4 KiB) against the RFC (an 8 % pool aligned to 2 MiB, dma_alloc_* from the pool,
// dynamic swiotlb on; patch 5/5 makes every conversion 2 MiB-aligned, so no 4 KiB early shared
// pages either), in a TDX and an SEV-SNP guest. Compare cvm.double_alloc_bytes,
// cvm.ept.splits, cvm.conversions.after_boot and cvm.exits.vmm. The script form of
// cvm-seed004.json (a test checks they give the same specs).
import { experiment, topology, nic, block, exponential, Gbps, KiB, us } from 'viommu-lab';

const TODAY = {
  swiotlb: 'x86-6pct',
  swiotlbAlign: '4KiB',
  dmaAlloc: 'convert',
  dynamicSwiotlb: false,
  bootSharedPagesPerVcpu: 1,
} as const;
const RFC = {
  swiotlb: 'rfc-8pct',
  swiotlbAlign: '2MiB',
  dmaAlloc: 'pool',
  dynamicSwiotlb: true,
  bootSharedPagesPerVcpu: 0,
} as const;

export default experiment('cvm seed 004: 4 KiB conversions vs a 2 MiB-aligned swiotlb pool', {
  description:
    'A 16 GiB confidential guest (4 vCPUs) on hugetlb 2 MiB backing for private (guest_memfd) and shared memory, the VMM discarding on conversion; its driver allocates 2,000 coherent 4 KiB buffers per second at run time (each freed after 1 ms). Today: 6 % pool, page aligned, each dma_alloc_coherent converted on its own. RFC: 8 % pool aligned to 2 MiB, dma_alloc_* from the pool, dynamic swiotlb.',
  seed: 1,
})
  .grid({ kind: ['tdx', 'sev-snp'], design: ['today', 'rfc'], device: ['nic', 'block'] })
  .topology((p) =>
    topology({
      name: `cvm seed 004: ${p.kind} ${p.design} ${p.device}`,
      duration: '20ms',
      profile: 'kvm-x86-2024',
    })
      .host({ arch: 'x86_64', cpus: 32 })
      .vm('guest', {
        memory: '16GiB',
        vcpus: 4,
        confidential: {
          kind: p.kind,
          params: {
            privateBacking: 'hugetlb-2m',
            sharedBacking: 'hugetlb-2m',
            discard: true,
            runtimeCoherentAllocsPerSec: 2000,
            runtimeCoherentLifetime: '1ms',
            ...(p.design === 'today' ? TODAY : RFC),
          },
        },
      })
      .device(
        'dev0',
        p.device === 'nic'
          ? { kind: 'virtio-net', attach: 'virtio', workload: nic({ bitrate: Gbps(10), packetSize: 1500 }) }
          : { kind: 'virtio-blk', attach: 'virtio', workload: block({ queueDepth: 16, requestSize: KiB(64), readFraction: 0.7, serviceTime: exponential(us(50)) }) },
      ),
  );
