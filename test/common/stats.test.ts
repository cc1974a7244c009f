import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize, tCritical95 } from '../../main/common/stats';

test('summarize gives mean and a Student-t 95 % interval', () => {
  const s = summarize([10, 12, 14])!;
  assert.equal(s.mean, 12);
  assert.equal(s.n, 3);
  // sd = 2, se = 2/sqrt(3), t(2) = 4.303
  assert.ok(Math.abs(s.ci95! - (4.303 * 2) / Math.sqrt(3)) < 1e-9);
  assert.equal(s.min, 10);
  assert.equal(s.max, 14);
});

test('a single value has no interval; non-finite values are ignored', () => {
  assert.deepEqual(summarize([5, NaN, Infinity]), { mean: 5, ci95: null, n: 1, min: 5, max: 5 });
  assert.equal(summarize([NaN]), null);
});

test('t critical values fall towards 1.96', () => {
  assert.equal(tCritical95(1), 12.706);
  assert.ok(tCritical95(31) < 2.042 && tCritical95(31) > 1.96);
  assert.ok(tCritical95(10_000) - 1.96 < 0.001);
  assert.ok(Number.isNaN(tCritical95(0)));
});

test('identical replications have an interval of exactly zero (no rounding noise)', () => {
  assert.equal(summarize([761.3, 761.3, 761.3])!.ci95, 0);
});
