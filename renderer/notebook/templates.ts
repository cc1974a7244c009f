/** What a new cell of each type starts with. */
import type { Cell, CellType } from '../../main/common/notebook/schema';

export const EXPERIMENT_TEMPLATE = `// An experiment cell: a topology script. Its runs are stored by configuration.
import { experiment, topology, mapBench, nic } from 'viommu-lab';

export default experiment('notebook: map-bench threads', { seed: 1 })
  .grid({ threads: [1, 2] })
  .replicate(2)
  .topology((p) =>
    topology({ duration: '1ms', profile: 'kvm-x86-2024' })
      .host({ arch: 'x86_64', cpus: 8 })
      .vm('vm0', { memory: '4GiB', vcpus: 4 })
      .device('bench', { kind: 'dma-engine', workload: mapBench({ threads: p.threads, granule: '4KiB', dmaBytes: '4KiB' }) })
      .device('nic0', { kind: 'nic', workload: nic({ direction: 'rx', bitrate: '10Gbps', packetSize: 1500 }) }),
  );
`;

export function newCell(type: CellType, id: string, input: string | null): Cell {
  switch (type) {
    case 'markdown':
      return { id, type, source: '## Notes\n\nWhat this notebook asks, and what it found.' };
    case 'experiment':
      return { id, type, file: `${id}.ts`, source: EXPERIMENT_TEMPLATE };
    case 'chart':
      return { id, type, input: input ?? '', title: '', kind: 'bar', metric: 'dma.throughput_gbps', x: '', log: false, filter: {} };
    case 'table':
      return { id, type, input: input ?? '', title: '', metrics: ['dma.throughput_gbps', 'map.latency_ns.p99'], filter: {} };
    case 'text':
      return { id, type, input: input ?? '', source: 'Throughput with one thread: {{dma.throughput_gbps | threads=1}}.' };
  }
}
