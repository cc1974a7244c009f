// Issue 14, done-when 5: map-bench reports what dma_map_benchmark prints — mean and standard
// deviation of map and unmap latency in 100 ns units, computed as the kernel computes them —
// with its threads one per CPU and its dma_trans_ns delay between map and unmap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../../main/api/runner';
import { runSimulation } from '../../main/engine/run';
import type { RunResult } from '../../main/common/result';

function bench(workload: Record<string, unknown>, host: Record<string, unknown> = {}): RunResult {
  const p = prepareRun({
    duration: '300us',
    host: { arch: 'aarch64', cpus: 4, iommus: [{ id: 'smmu0', kind: 'smmuv3' }], ...host },
    devices: [{ id: 'd0', hostIommu: 'smmu0', workload: { kind: 'map-bench', granule: '4KiB', ...workload } }],
  });
  return runSimulation(p.spec, p.profile);
}

test('one thread: the 100 ns figures are the truncated means of the latencies the run measured', () => {
  const r = bench({ threads: 1 });
  const s = r.scalars;
  // Every strict 4 KiB unmap on an idle host costs the same: stddev 0, mean = floor(latency / 100).
  assert.equal(s['unmap.latency_ns.p50'], s['unmap.latency_ns.max']);
  assert.equal(s['bench.avg_unmap_100ns'], Math.floor(s['unmap.latency_ns.max']! / 100));
  assert.equal(s['bench.unmap_stddev_100ns'], 0);
  assert.ok(Math.abs(s['bench.avg_map_100ns']! - s['map.latency_ns.mean']! / 100) <= 1, 'map mean within the truncation');
  assert.ok(Number.isInteger(s['bench.avg_map_100ns']) && Number.isInteger(s['bench.map_stddev_100ns']));
});

test('four threads on four CPUs sharing one CMDQ: the unmap mean grows and spreads', () => {
  const one = bench({ threads: 1 }).scalars;
  const four = bench({ threads: 4 }).scalars;
  assert.ok(four['bench.avg_unmap_100ns']! > one['bench.avg_unmap_100ns']!);
  assert.ok(four['bench.unmap_stddev_100ns']! > 0);
});

test('transDelay (dma_trans_ns) holds the CPU between map and unmap: fewer loops, same per-call latency', () => {
  const none = bench({ threads: 1 }).scalars;
  const delayed = bench({ threads: 1, transDelay: '5us' }).scalars;
  assert.ok(delayed['bench.ops']! < 0.5 * none['bench.ops']!);
  assert.equal(delayed['bench.avg_unmap_100ns'], none['bench.avg_unmap_100ns']);
});
