// The frame helpers avoid `%` (an fmod call on doubles past 2^31): they must give exactly what
// `%` and BigInt arithmetic give, over safe integers and over aligned addresses up to 2^64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAME, frameOfAligned, offsetIn, offsetOf, splitSafe } from './addr';
import { SparseArray, SparseCounts } from './sparse';

/** Deterministic safe integers spread over every magnitude up to 2^53, with the edges. */
function safeIntegers(): number[] {
  const out = [0, 1, 4095, 4096, 4097, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 4095, 2 ** 52, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 4096];
  let x = 0x9e3779b9;
  for (let i = 0; i < 2000; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const y = (Math.imul(x ^ 0x5bd1e995, 22695477) + 1) >>> 0;
    const bits = (x % 53) + 1;
    out.push(Math.floor(((y * 2 ** 21 + (x >>> 11)) / 2 ** 53) * 2 ** bits));
  }
  return out.filter((v) => Number.isSafeInteger(v) && v >= 0);
}

test('offsetOf, offsetIn and splitSafe equal % and BigInt division up to 2^53', () => {
  for (const a of safeIntegers()) {
    const off = Number(BigInt(a) % 4096n);
    assert.equal(offsetOf(a), off, `offsetOf(${a})`);
    assert.equal(offsetIn(a), a % FRAME, `offsetIn(${a})`);
    assert.deepEqual(splitSafe(a), { pfn: Number(BigInt(a) / 4096n), off }, `splitSafe(${a})`);
  }
});

test('frameOfAligned is exact for aligned addresses up to 2^64 and rejects unaligned ones', () => {
  for (const pfn of [0, 1, 2 ** 20 + 3, 2 ** 40 - 1, 2 ** 52 - 1]) assert.equal(frameOfAligned(pfn * FRAME), pfn);
  assert.equal(offsetOf((2 ** 52 - 1) * FRAME), 0);
  for (const a of [1, 4095, 4097, 2 ** 31 + 2048, 2 ** 53 - 2, Infinity, -Infinity, NaN, 4096.5]) assert.throws(() => frameOfAligned(a), /not 4 KiB aligned/, String(a));
});

test('SparseArray and SparseCounts slots agree with a Map over keys past 2^31', () => {
  const arr = new SparseArray<number>();
  const counts = new SparseCounts();
  const ref = new Map<number, number>();
  const keys = [...new Set(safeIntegers().slice(0, 400))];
  keys.forEach((k, i) => {
    arr.set(k, i);
    ref.set(k, i);
    counts.increment(k);
    if (i % 3 === 0) counts.increment(k);
  });
  keys.forEach((k, i) => {
    assert.equal(arr.get(k), ref.get(k), `get ${k}`);
    assert.equal(counts.get(k), i % 3 === 0 ? 2 : 1, `count ${k}`);
    assert.equal(arr.get(k + 1), ref.get(k + 1), `neighbour ${k + 1}`);
    assert.equal(counts.get(k + 1), ref.has(k + 1) ? counts.get(k + 1) : 0, `neighbour count ${k + 1}`);
  });
  for (const k of keys.slice(0, 100)) {
    assert.equal(arr.take(k), ref.get(k));
    ref.delete(k);
    counts.decrement(k);
  }
  assert.equal(arr.size, ref.size);
  for (const k of keys) assert.equal(arr.get(k), ref.get(k), `after take ${k}`);
});
