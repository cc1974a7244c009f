import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRANULE, RadixPageTable, tablePageAllocator } from './radix-page-table';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

test('memory is one 4 KiB page per table touched: 4 KiB leaves over 2 MiB cost one leaf table', () => {
  const t = new RadixPageTable(4, tablePageAllocator(0, 64 * MiB, 't'));
  assert.equal(t.tablePages, 1);
  t.map(0, 0x1000_0000, 2 * MiB);
  assert.equal(t.tablePages, 4);
  assert.equal(t.leafCount, 512);
  t.map(2 * MiB, 0x2000_0000, GRANULE);
  assert.equal(t.tablePages, 5);
  assert.equal(t.bytes, 5 * GRANULE);
});

test('8 GiB with 2 MiB blocks vs 4 KiB pages: exact table sizes', () => {
  const big = new RadixPageTable(4, tablePageAllocator(0, 64 * MiB, 'b'));
  big.map(0, 0, 8 * GiB, 2 * MiB);
  assert.equal(big.tablePages, 1 + 1 + 8);
  const small = new RadixPageTable(4, tablePageAllocator(0, 64 * MiB, 's'));
  small.map(0, 0, GiB, GRANULE);
  assert.equal(small.tablePages, 1 + 1 + 1 + 512);
});

test('walk reports each descriptor address; unmap clears leaves but keeps tables', () => {
  const t = new RadixPageTable(3, tablePageAllocator(0x100000, MiB, 't'));
  t.map(0x40_0000, 0x900_0000, 3 * GRANULE);
  const w = t.walk(0x40_1000);
  assert.equal(w.out, 0x900_1000);
  assert.equal(w.steps.length, 3);
  assert.equal(w.steps[0]!.tableAddr, t.root);
  assert.equal(w.steps[2]!.descAddr, w.steps[2]!.tableAddr + 8 * 1);
  assert.equal(t.unmap(0x40_0000, 2 * GRANULE), 2);
  assert.equal(t.translate(0x40_1000), null);
  assert.equal(t.translate(0x40_2000), 0x900_2000);
  assert.equal(t.tablePages, 3);
});

test('misuse is an error: unaligned map, unsupported leaf size, running out of table memory', () => {
  const t = new RadixPageTable(4, tablePageAllocator(0, 2 * GRANULE, 't'));
  assert.throws(() => t.map(100, 0, GRANULE), /multiples/);
  assert.throws(() => t.map(0, 0, 64 * 1024, 64 * 1024), /not a page or block size/);
  assert.throws(() => t.map(0, 0, GRANULE), /out of table memory/);
});
