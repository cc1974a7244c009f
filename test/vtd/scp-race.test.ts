// Done-when 2 (issue 11, seed 003): Jintack Lim's scp error. A bulk receive through an assigned
// NIC while a 2018 guest's lazy flush queue issues domain invalidations: QEMU's old
// unmap-all-then-replay resync leaves posted receive buffers without a host mapping, so DMAs
// fault (dropped packets) and the unsafe window opens, longer for a bigger domain; the IOVA-tree
// delta of today's QEMU never unmaps a page that stays mapped. Nothing here predicts the faults:
// they are DMAs that found no host mapping at their simulated instant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runSpec } from './support';

const specs = JSON.parse(readFileSync(new URL('../../resources/examples/vtd-scp-race.json', import.meta.url), 'utf8')) as { point: { resync: string; ring: number } }[];
const results = specs.map((s) => ({ point: s.point, r: runSpec(s).scalars }));
const at = (resync: string, ring: number) => results.find((x) => x.point.resync === resync && x.point.ring === ring)!.r;
const rings = [...new Set(specs.map((s) => s.point.ring))].sort((a, b) => a - b);

test('unmap-all-replay: domain invalidations fault in-flight DMA and open an unsafe window', () => {
  for (const ring of rings) {
    const r = at('unmap-all-replay', ring);
    assert.ok(r['vtd.resyncs']! > 0, 'the guest issued domain invalidations');
    assert.ok(r['faults.dma']! > 0, `ring ${ring}: faults ${r['faults.dma']}`);
    assert.equal(r['vtd.fault_records'], r['faults.dma']);
    assert.ok(r['security.unsafe_window_ns']! > 0);
    assert.ok(r['security.unsafe_gap_max_ns']! > 0);
  }
});

test('the longest gap grows with the mapped size and is of the order of milliseconds', () => {
  const gaps = rings.map((ring) => at('unmap-all-replay', ring)['security.unsafe_gap_max_ns']!);
  for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i]! > gaps[i - 1]!, `gaps ${gaps.join(', ')}`);
  assert.ok(gaps[gaps.length - 1]! > 1e6, `longest gap ${gaps[gaps.length - 1]} ns`);
});

test('iova-tree-delta: same seed and workload, zero faults and zero unsafe window', () => {
  for (const ring of rings) {
    const r = at('iova-tree-delta', ring);
    assert.ok(r['vtd.resyncs']! > 0);
    assert.equal(r['faults.dma'], 0);
    assert.equal(r['security.unsafe_window_ns'], 0);
    assert.equal(r['security.unsafe_gap_max_ns'], 0);
  }
});
