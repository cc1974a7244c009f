import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Series } from './series';

test('a level series keeps mean/min/max per bucket', () => {
  const s = new Series(10, 8);
  s.sample(1, 4);
  s.sample(9, 8);
  s.sample(25, 1);
  const d = s.data();
  assert.deepEqual(d.mean, [6, null, 1]);
  assert.deepEqual(d.min, [4, null, 1]);
  assert.deepEqual(d.max, [8, null, 1]);
  assert.equal(d.stepNs, 10);
});

test('past its last bucket a series halves its resolution and keeps totals', () => {
  const s = new Series(10, 4, 'rate');
  for (let t = 0; t < 100; t += 5) s.add(t, 10);
  const d = s.data();
  assert.ok(d.mean.length <= 4);
  assert.equal(d.stepNs, 40);
  const total = d.mean.reduce((a, m) => a! + (m ?? 0) * d.stepNs, 0);
  assert.equal(total, 200);
});

test('a rate series gives each bucket its total per ns, before and after halving', () => {
  const s = new Series(10, 4, 'rate');
  const want = new Map<number, number>();
  for (let t = 0; t < 35; t += 3) {
    s.add(t, t + 1);
    want.set(Math.floor(t / 10), (want.get(Math.floor(t / 10)) ?? 0) + t + 1);
  }
  assert.deepEqual(s.data().mean, [0, 1, 2, 3].map((b) => (want.get(b) ?? 0) / 10));
  assert.deepEqual(s.data().min, [null, null, null, null]);
  s.add(45, 100); // past the 4th bucket: width 20, 45 falls in the third
  assert.deepEqual(s.data().mean, [((want.get(0) ?? 0) + (want.get(1) ?? 0)) / 20, ((want.get(2) ?? 0) + (want.get(3) ?? 0)) / 20, 100 / 20]);
});
