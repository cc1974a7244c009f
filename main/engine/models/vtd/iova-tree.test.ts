import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IovaTree, mallocChunk, type IovaTreeSizes } from './iova-tree';

const QEMU: IovaTreeSizes = { nodeBytes: 40, elementBytes: 28, mallocHeaderBytes: 8, mallocAlignBytes: 16, mallocMinChunkBytes: 32 };
const P = 4096;

test('malloc chunks: request + header rounded up to 16, at least 32 (glibc request2size)', () => {
  assert.equal(mallocChunk(1, QEMU), 32);
  assert.equal(mallocChunk(24, QEMU), 32);
  assert.equal(mallocChunk(28, QEMU), 48);
  assert.equal(mallocChunk(40, QEMU), 48);
  assert.equal(mallocChunk(41, QEMU), 64);
});

test('insert refuses overlaps; find, hasExact and remove work on ranges', () => {
  const t = new IovaTree(QEMU, 2);
  assert.equal(t.insert(10 * P, 2 * P, 0x1000, 3), 'ok');
  assert.equal(t.insert(11 * P, P, 0, 3), 'overlap');
  assert.equal(t.insert(9 * P, 2 * P, 0, 3), 'overlap');
  assert.equal(t.insert(12 * P, P, 0x9000, 1), 'ok');
  assert.equal(t.insert(9 * P, P, 0x8000, 1), 'ok');
  assert.equal(t.nodes, 3);
  assert.deepEqual(t.find(11 * P + 5), { iova: 10 * P, size: 2 * P, translated: 0x1000, perm: 3 });
  assert.equal(t.find(13 * P), null);
  assert.equal(t.hasExact(12 * P, P, 0x9000, 1), true);
  assert.equal(t.hasExact(12 * P, P, 0x9000, 3), false);
  assert.deepEqual(t.remove(11 * P, 13 * P), [
    { iova: 10 * P, size: 2 * P },
    { iova: 12 * P, size: P },
  ]);
  assert.equal(t.nodes, 1);
  assert.equal(t.overlaps(0, 100 * P), true);
  t.clear();
  assert.equal(t.nodes, 0);
  assert.equal(t.bytes, 0);
});

test('memory is counted per allocation: one GTreeNode and one DMAMap chunk per mapping', () => {
  const t = new IovaTree(QEMU);
  assert.equal(t.bytesPerMapping, 48 + 48);
  for (let i = 0; i < 1000; i++) t.insert(i * P, P, i * P, 3);
  assert.equal(t.bytes, 1000 * 96);
  t.remove(0, 500 * P);
  assert.equal(t.bytes, 500 * 96);
  assert.equal(t.peak, 1000 * 96);
});

test('stays balanced (AVL height bound) under sequential and shuffled inserts and deletes; in-order iteration is sorted', () => {
  const t = new IovaTree(QEMU, 4);
  const n = 20_000;
  for (let i = 0; i < n; i++) t.insert(i * P, P, 0, 3);
  assert.ok(t.height <= Math.ceil(1.45 * Math.log2(n + 2)), `height ${t.height}`);
  // A deterministic shuffle of deletions.
  let x = 12345;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const i of order.slice(0, n / 2)) assert.equal(t.remove(i * P, i * P + 1).length, 1);
  assert.equal(t.nodes, n / 2);
  assert.ok(t.height <= Math.ceil(1.45 * Math.log2(n / 2 + 2)), `height ${t.height}`);
  const seen: number[] = [];
  t.forEachInRange(0, n * P, (iova) => seen.push(iova));
  assert.equal(seen.length, n / 2);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!);
  const kept = new Set(order.slice(n / 2));
  for (const i of [0, 1, 17, n - 1]) assert.equal(t.find(i * P + 1) !== null, kept.has(i));
  // Freed slots are reused.
  for (const i of order.slice(0, n / 2)) t.insert(i * P, P, 1, 1);
  assert.equal(t.nodes, n);
});

test('range iteration only visits overlapping maps', () => {
  const t = new IovaTree(QEMU);
  for (let i = 0; i < 100; i += 2) t.insert(i * P, 2 * P, 0, 3);
  const got: number[] = [];
  t.forEachInRange(5 * P, 9 * P, (iova) => got.push(iova / P));
  assert.deepEqual(got, [4, 6, 8]);
  const none: number[] = [];
  t.forEachInRange(200 * P, 300 * P, (iova) => none.push(iova));
  assert.deepEqual(none, []);
});

test('bad sizes are refused', () => {
  assert.throws(() => new IovaTree({ ...QEMU, nodeBytes: -1 }), /nodeBytes/);
  assert.throws(() => new IovaTree({ ...QEMU, mallocAlignBytes: 0 }), /mallocAlignBytes/);
  assert.throws(() => new IovaTree(QEMU).insert(0, 0, 0, 0), /size must be positive/);
});
