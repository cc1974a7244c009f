import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompareResult } from '../../main/common/api/types';
import { groupBars, normalise } from './grouping';

const stat = (mean: number, ci95: number | null, n = 3) => ({ mean, ci95, n, min: mean - 1, max: mean + 1 });
const r: CompareResult = {
  params: ['size', 'mode'],
  groups: [
    { key: 'a', experiment: 'e', point: { size: 4096, mode: 'strict' }, label: 'size=4096 · mode=strict', runIds: [1] },
    { key: 'b', experiment: 'e', point: { size: 65536, mode: 'strict' }, label: 'size=65536 · mode=strict', runIds: [2] },
    { key: 'c', experiment: 'e', point: { size: 4096, mode: 'lazy' }, label: 'size=4096 · mode=lazy', runIds: [3] },
    { key: 'd', experiment: 'e', point: { size: 65536, mode: 'lazy' }, label: 'size=65536 · mode=lazy', runIds: [4] },
  ],
  metrics: [{ name: 'lat', unit: 'ns', doc: '', stats: [stat(200, 20), stat(400, null, 1), stat(100, 10), stat(0, 0)] }],
};

test('normalised to a baseline configuration, every value is a ratio to its mean (the CI scaled with it)', () => {
  const n = normalise(r, 'c')!;
  assert.equal(n.metrics[0]!.unit, '× baseline');
  assert.deepEqual(n.metrics[0]!.stats.map((s) => s && [s.mean, s.ci95, s.n]), [[2, 0.2, 3], [4, null, 1], [1, 0.1, 3], [0, 0, 3]]);
  assert.deepEqual(normalise(r, 'd')!.metrics[0]!.stats, [null, null, null, null], 'a zero baseline gives no ratios, not infinities');
  assert.equal(normalise(r, 'nope'), null);
});

test('bars grouped by a parameter: its values on the x axis in numeric order, one series per other combination', () => {
  const g = groupBars(r, 'lat', 'size')!;
  assert.deepEqual(g.labels, ['4096', '65536']);
  assert.deepEqual(g.series.map((s) => [s.label, s.values]), [['mode=strict', [200, 400]], ['mode=lazy', [100, 0]]]);
  assert.deepEqual(g.series[0]!.errorBars, [{ lo: 180, hi: 220 }, null]);
  assert.equal(groupBars(r, 'lat', 'nope'), null);
});
