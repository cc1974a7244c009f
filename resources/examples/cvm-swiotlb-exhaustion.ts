// A swiotlb pool too small for the disk's queue depth (64 reads of 64 KiB in flight = 4 MiB
// against a 1 MiB pool): without dynamic swiotlb the maps fail ("swiotlb buffer is full", an I/O
// error each, counted in swiotlb.full); with it, transient pools and worker-added pools absorb
// the load at the price of run-time conversions (cvm.conversions.after_boot, cvm.exits.vmm).
// DOMAIN.md section 7. The script form of cvm-swiotlb-exhaustion.json.
import { experiment, topology, block, exponential, KiB, MiB, us } from 'viommu-lab';

export default experiment('cvm swiotlb exhaustion: a 1 MiB pool against queue depth 64', {
  description: 'A 8 GiB TDX guest (4 vCPUs) with a 1 MiB swiotlb pool and a virtio-blk disk at queue depth 64 × 64 KiB reads, with and without dynamic swiotlb.',
  seed: 1,
})
  .grid({ dynamicSwiotlb: [false, true] })
  .topology((p) =>
    topology({
      name: `cvm swiotlb exhaustion: dynamic ${p.dynamicSwiotlb ? 'on' : 'off'}`,
      duration: '10ms',
      profile: 'kvm-x86-2024',
    })
      .host({ arch: 'x86_64', cpus: 32 })
      .vm('guest', { memory: '8GiB', vcpus: 4, confidential: { kind: 'tdx', params: { swiotlb: MiB(1), dynamicSwiotlb: p.dynamicSwiotlb } } })
      .device('disk', {
        kind: 'virtio-blk',
        attach: 'virtio',
        workload: block({ queueDepth: 64, requestSize: KiB(64), readFraction: 1, serviceTime: exponential(us(100)), threads: 4 }),
      }),
  );
