import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtentMap } from './extent-map';

/** A deterministic LCG so the randomized comparison is reproducible without Math.random. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

test('starts as one extent of the initial value covering [0, limit)', () => {
  const m = new ExtentMap<number>(1000, 0);
  assert.equal(m.extents, 1);
  assert.equal(m.count(0), 1000);
  assert.equal(m.get(999), 0);
  assert.deepEqual(m.range(10, 20), [{ start: 10, end: 20, value: 0 }]);
  m.validate();
});

test('set splits and re-merges extents; totals stay exact', () => {
  const m = new ExtentMap<string>(100, 'p');
  m.set(10, 20, 's');
  assert.equal(m.extents, 3);
  assert.equal(m.count('s'), 10);
  assert.equal(m.get(9), 'p');
  assert.equal(m.get(10), 's');
  assert.equal(m.get(19), 's');
  assert.equal(m.get(20), 'p');
  m.set(20, 30, 's');
  assert.equal(m.extents, 3, 'adjacent equal extents merge');
  m.set(10, 30, 'p');
  assert.equal(m.extents, 1);
  assert.equal(m.count('s'), 0);
  m.validate();
});

test('update returns the old extents and applies fn to each', () => {
  const m = new ExtentMap<number>(64, 0);
  m.set(8, 16, 1);
  const old = m.update(4, 12, (v) => v | 2);
  assert.deepEqual(old, [
    { start: 4, end: 8, value: 0 },
    { start: 8, end: 12, value: 1 },
  ]);
  assert.deepEqual(m.range(0, 64), [
    { start: 0, end: 4, value: 0 },
    { start: 4, end: 8, value: 2 },
    { start: 8, end: 12, value: 3 },
    { start: 12, end: 16, value: 1 },
    { start: 16, end: 64, value: 0 },
  ]);
  assert.equal(m.countIn(0, 64, (v) => (v & 2) !== 0), 8);
  m.validate();
});

test('bad ranges are errors', () => {
  const m = new ExtentMap<number>(10, 0);
  assert.throws(() => m.set(5, 11, 1), /outside/);
  assert.throws(() => m.set(-1, 2, 1), /outside/);
  assert.throws(() => m.get(10), /outside/);
  assert.throws(() => m.set(0.5, 2, 1), /outside/);
  assert.throws(() => new ExtentMap<number>(0, 0), /positive/);
  m.set(3, 3, 1);
  assert.equal(m.extents, 1, 'an empty range changes nothing');
});

test('2,000 random updates agree with a flat array model, invariants hold throughout', () => {
  const N = 700;
  const rnd = lcg(7);
  const m = new ExtentMap<number>(N, 0);
  const ref = new Array<number>(N).fill(0);
  for (let i = 0; i < 2000; i++) {
    const a = Math.floor(rnd() * N);
    const b = Math.min(N, a + 1 + Math.floor(rnd() * (rnd() < 0.8 ? 8 : 200)));
    const v = Math.floor(rnd() * 4);
    if (rnd() < 0.5) {
      m.set(a, b, v);
      for (let k = a; k < b; k++) ref[k] = v;
    } else {
      m.update(a, b, (o) => o ^ v);
      for (let k = a; k < b; k++) ref[k] = ref[k]! ^ v;
    }
    if (i % 97 === 0) m.validate();
  }
  m.validate();
  for (let k = 0; k < N; k++) assert.equal(m.get(k), ref[k]);
  for (let v = 0; v < 4; v++) assert.equal(m.count(v), ref.filter((x) => x === v).length);
  let runs = 1;
  for (let k = 1; k < N; k++) if (ref[k] !== ref[k - 1]) runs++;
  assert.equal(m.extents, runs, 'extents are maximal');
});

test('a 1 TiB guest in 4 KiB pages (2^28 keys) with 50,000 scattered conversions stays sparse', () => {
  const pages = 2 ** 28;
  const m = new ExtentMap<number>(pages, 0);
  for (let i = 0; i < 50_000; i++) {
    const p = (i * 5237) % pages;
    m.set(p * 1, p + 1, 1);
  }
  assert.equal(m.count(1), 50_000);
  assert.ok(m.extents <= 100_001);
  // Top of a 2^52-byte space in pages: keys stay exact integers.
  const huge = new ExtentMap<number>(2 ** 40, 0);
  huge.set(2 ** 40 - 3, 2 ** 40 - 1, 1);
  assert.equal(huge.get(2 ** 40 - 2), 1);
  assert.equal(huge.count(1), 2);
  huge.validate();
});
