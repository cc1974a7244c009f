// Baseline: dma-direct, no IOMMU at all — the reference every IOMMU model is compared with.
// A sweep over the map-bench thread count and the NIC's offered load, three replications each.
import { experiment, mapBench, nic, topology } from 'viommu-lab';

export default experiment('baseline: dma-direct, no IOMMU', {
  description:
    'Two devices in one VM with no IOMMU: a 4 KiB dma_map_benchmark loop and a NIC receiving 1500-byte packets, swept over map-bench threads and NIC load.',
  seed: 42,
})
  .grid({ threads: [1, 2], load: ['10Gbps', '25Gbps'] })
  .replicate(3)
  .topology((p) =>
    topology({ duration: '5ms', profile: 'kvm-x86-2024' })
      .host({ arch: 'x86_64', cpus: 32 })
      .vm('vm0', { memory: '8GiB', vcpus: 4 })
      .device('dmabench', { kind: 'dma-engine', workload: mapBench({ threads: p.threads, granule: '4KiB', dmaBytes: '4KiB' }) })
      .device('nic0', { kind: 'nic', workload: nic({ direction: 'rx', bitrate: p.load, packetSize: 1500, ringSize: 512, queues: 2 }) }),
  );
