import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Empirical, exponential, normal, sampler, uniform } from './distributions';
import { Rng } from './rng';

const N = 200_000;

function meanOf(f: () => number, n = N): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = f();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

test('uniform floats lie in [0, 1) and fill ten bins evenly (chi-square, 9 dof, p > 0.001)', () => {
  const rng = new Rng(3, 'u');
  const bins = new Array<number>(10).fill(0);
  for (let i = 0; i < N; i++) {
    const x = rng.float();
    assert.ok(x >= 0 && x < 1);
    bins[Math.floor(x * 10)]!++;
  }
  const e = N / 10;
  const chi2 = bins.reduce((s, o) => s + ((o - e) * (o - e)) / e, 0);
  assert.ok(chi2 < 27.88, `chi2 = ${chi2}`);
});

test('exponential, uniform and normal draws have the right mean and variance (within 4 standard errors)', () => {
  const rng = new Rng(4, 'd');
  const ex = meanOf(() => exponential(rng, 250));
  assert.ok(Math.abs(ex.mean - 250) < (4 * 250) / Math.sqrt(N), `exp mean ${ex.mean}`);
  assert.ok(Math.abs(ex.variance / (250 * 250) - 1) < 0.03);
  const un = meanOf(() => uniform(rng, 10, 20));
  assert.ok(Math.abs(un.mean - 15) < (4 * Math.sqrt(100 / 12)) / Math.sqrt(N));
  const no = meanOf(() => normal(rng, 100, 15));
  assert.ok(Math.abs(no.mean - 100) < (4 * 15) / Math.sqrt(N));
  assert.ok(Math.abs(Math.sqrt(no.variance) - 15) < 0.3);
});

test('empirical draws follow the weights, and its mean is the weighted mean', () => {
  const rng = new Rng(5, 'e');
  const e = new Empirical([64, 576, 1500], [7, 4, 1]);
  const counts = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    const v = e.sample(rng);
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  assert.ok(Math.abs(counts.get(64)! / N - 7 / 12) < 0.005);
  assert.ok(Math.abs(counts.get(1500)! / N - 1 / 12) < 0.005);
  assert.equal(e.mean(), (64 * 7 + 576 * 4 + 1500) / 12);
  assert.throws(() => new Empirical([1, 2], [1]), /as many weights/);
  assert.throws(() => new Empirical([1], [0]), /sum to zero/);
});

test('sampler builds from spec distributions', () => {
  const rng = new Rng(1, 's');
  assert.equal(sampler({ kind: 'fixed', value: 9 }, rng)(), 9);
  const s = sampler({ kind: 'uniform', min: 5, max: 6 }, rng);
  for (let i = 0; i < 100; i++) {
    const v = s();
    assert.ok(v >= 5 && v < 6);
  }
});
