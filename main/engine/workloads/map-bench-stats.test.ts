import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MapBenchStats } from './map-bench-stats';

test('dma_map_benchmark arithmetic: 100 ns units, truncated like the kernel', () => {
  const s = new MapBenchStats();
  assert.deepEqual(s.result(), { avgMap: 0, mapStddev: 0, avgUnmap: 0, unmapStddev: 0 });
  // map 150 ns → 1, 350 ns → 3; unmap 1,099 ns → 10, 3,000 ns → 30.
  s.add(150, 1099);
  s.add(350, 3000);
  // map: avg (1+3)/2 = 2; var = (1+9)/2 − 4 = 1 → 1. unmap: avg 20; var = (100+900)/2 − 400 = 100 → 10.
  assert.deepEqual(s.result(), { avgMap: 2, mapStddev: 1, avgUnmap: 20, unmapStddev: 10 });
  s.add(99, 99); // both truncate to 0
  const r = s.result();
  assert.equal(r.avgMap, 1, 'floor(4 / 3)');
  assert.equal(r.mapStddev, 1, 'int_sqrt(floor(10 / 3) − 1) = int_sqrt(2)');
});
