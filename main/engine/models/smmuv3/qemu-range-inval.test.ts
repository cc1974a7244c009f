import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pow2Chunks } from './qemu-range-inval';

test('QEMU splits a range TLBI into aligned power-of-two blocks', () => {
  assert.deepEqual(pow2Chunks(0, 1), [1]);
  assert.deepEqual(pow2Chunks(64, 64), [64], 'an aligned power of two is one block');
  assert.deepEqual(pow2Chunks(1, 7), [1, 2, 4]);
  assert.deepEqual(pow2Chunks(3, 6), [1, 4, 1]);
  assert.deepEqual(pow2Chunks(16, 48), [16, 32]);
  for (const [f, n] of [[5, 100], [1024, 1000], [7, 1]] as const) assert.equal(pow2Chunks(f, n).reduce((a, b) => a + b, 0), n);
});
