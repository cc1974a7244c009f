import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparseArray, SparseBits, SparseCounts } from './sparse';
import { fromBigInt, hexAddr, toBigInt } from './addr';

test('addresses: frame + offset is exact over 64 bits, where one number is not', () => {
  const a = 2n ** 59n + 2n * 1024n * 1024n - 50n;
  const { pfn, off } = fromBigInt(a);
  assert.equal(toBigInt(pfn, off), a);
  assert.equal(off, 4046);
  assert.equal(hexAddr(pfn, off), '0x8000000001fffce');
  assert.notEqual(BigInt(2 ** 59 + 2 * 2 ** 20 - 50), a, 'a double rounds it to the 2 MiB boundary');
  assert.equal(toBigInt(2 ** 52 - 1, 4095), 2n ** 64n - 1n);
  assert.throws(() => fromBigInt(2n ** 64n), /64-bit/);
});

test('SparseBits: set semantics over keys beyond 2^52, chunks only where touched', () => {
  const s = new SparseBits();
  const keys = [0, 31, 32, 2 ** 15, 2 ** 52 - 1, 2 ** 40 + 7];
  for (const k of keys) assert.equal(s.add(k), true);
  assert.equal(s.add(31), false);
  assert.equal(s.size, keys.length);
  for (const k of keys) assert.equal(s.has(k), true);
  assert.equal(s.has(33), false);
  assert.equal(s.delete(2 ** 52 - 1), true);
  assert.equal(s.delete(2 ** 52 - 1), false);
  assert.equal(s.size, keys.length - 1);
  assert.equal(s.bytes, 4 * 4096, 'four chunks touched');
});

test('SparseBits: more than 2^24 members (a Set would throw)', () => {
  const s = new SparseBits();
  const n = 2 ** 24 + 5;
  for (let i = 0; i < n; i++) s.add(i);
  assert.equal(s.size, n);
  assert.equal(s.has(n - 1), true);
});

test('SparseArray: get, set, take', () => {
  const a = new SparseArray<string>();
  a.set(5, 'x');
  a.set(2 ** 50, 'y');
  assert.equal(a.get(5), 'x');
  assert.equal(a.get(6), undefined);
  assert.equal(a.size, 2);
  assert.equal(a.take(2 ** 50), 'y');
  assert.equal(a.take(2 ** 50), undefined);
  assert.equal(a.size, 1);
});

test('SparseCounts: counts past 255 overflow exactly and come back; distinct keys', () => {
  const c = new SparseCounts();
  for (let i = 0; i < 300; i++) c.increment(7);
  c.increment(8);
  assert.equal(c.get(7), 300);
  assert.equal(c.distinct, 2);
  for (let i = 0; i < 299; i++) c.decrement(7);
  assert.equal(c.get(7), 1);
  c.decrement(7);
  assert.equal(c.get(7), 0);
  assert.equal(c.distinct, 1);
  assert.throws(() => c.decrement(7), /already zero/);
});
