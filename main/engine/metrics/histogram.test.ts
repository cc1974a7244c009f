import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, quantileOf } from './histogram';
import { Rng } from '../kernel/rng';
import { exponential } from '../kernel/distributions';

test('every reported quantile is within the stated relative error of the exact sample quantile', () => {
  const rng = new Rng(11, 'h');
  const h = new Histogram(0.005);
  const xs: number[] = [];
  for (let i = 0; i < 50_000; i++) {
    // a wide range: 1 ns .. tens of ms, plus exact zeros
    const x = i % 97 === 0 ? 0 : Math.round(exponential(rng, 10 ** rng.int(0, 7)));
    xs.push(x);
    h.record(x);
  }
  xs.sort((a, b) => a - b);
  for (const q of [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1]) {
    const exact = xs[Math.floor(q * (xs.length - 1))]!;
    const est = h.quantile(q);
    assert.ok(Math.abs(est - exact) <= 0.005 * exact + 1e-9, `q=${q}: ${est} vs ${exact}`);
  }
  assert.equal(h.count, 50_000);
  assert.equal(h.min, 0);
  assert.equal(h.max, xs[xs.length - 1]);
});

test('serialized data gives the same quantiles, and bad values are rejected', () => {
  const h = new Histogram();
  [5, 10, 10, 20, 1000].forEach((v) => h.record(v));
  const d = JSON.parse(JSON.stringify(h.data()));
  assert.equal(quantileOf(d, 0.5), h.quantile(0.5));
  assert.ok(Math.abs(h.quantile(0.5) - 10) <= 0.05);
  assert.equal(h.mean(), 209);
  assert.throws(() => h.record(-1));
  assert.throws(() => h.record(NaN));
  assert.ok(Number.isNaN(new Histogram().quantile(0.5)));
});

test('bucket counts are those of the log formula, below 1, in the counted range and beyond it, memo or not', () => {
  for (const alpha of [0.005, 0.0001, 0.3]) {
    const h = new Histogram(alpha);
    const logGamma = Math.log((1 + alpha) / (1 - alpha));
    const want = new Map<number, number>();
    const rng = new Rng(5, 'b');
    for (let i = 0; i < 20_000; i++) {
      // repeats (the memo: the last and the first of each six), values 256 apart, fractions below 1, huge values
      const x = [3 * 2 ** 33, 40 + 256 * rng.int(0, 3), rng.float() * 0.9 + 0.001, rng.int(1, 1e6), 2 ** rng.int(0, 60), 3 * 2 ** 33][i % 6]!;
      h.record(x);
      const b = Math.ceil(Math.log(x) / logGamma);
      want.set(b, (want.get(b) ?? 0) + 1);
    }
    assert.deepEqual(h.data().buckets, [...want.entries()].sort((a, b) => a[0] - b[0]), `alpha ${alpha}`);
  }
});
