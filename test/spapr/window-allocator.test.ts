import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowAllocator } from '../../main/engine/models/spapr/window-allocator';

const GiB = 2 ** 30;

test('a window at bus address 0 never hands out page 0', () => {
  const a = new WindowAllocator(64);
  assert.equal(a.usedPages, 1);
  assert.equal(a.inUse(), false);
  assert.equal(a.alloc(1), 1);
  assert.equal(a.inUse(), true);
});

test('a window elsewhere starts at page 0', () => {
  const a = new WindowAllocator(64, 1000);
  assert.equal(a.alloc(1), 0);
});

test('small allocations bump the hint to the next 16-page block (next fit)', () => {
  const a = new WindowAllocator(1024, 1);
  assert.equal(a.alloc(1), 0);
  assert.equal(a.alloc(1), 16);
  assert.equal(a.alloc(3), 32);
  a.free(0, 1);
  assert.equal(a.alloc(1), 48, 'next fit, not first fit');
});

test('windows of 1 GiB or more use 4 pools chosen by CPU plus a large pool for > 15 pages', () => {
  const size = GiB / 4096;
  const a = new WindowAllocator(size, 1, 16, Infinity, GiB);
  assert.equal(a.pools.length, 4);
  const pool = Math.floor((size * 3) / 4 / 4);
  assert.equal(a.alloc(1, 0), 0);
  assert.equal(a.alloc(1, 1), pool);
  assert.equal(a.alloc(1, 6), 2 * pool, 'cpu 6 → pool 2');
  assert.equal(a.alloc(16, 0), 4 * pool, 'large request → large pool at the top quarter');
});

test('small windows have one pool plus the large pool', () => {
  const a = new WindowAllocator(100, 1, 16, Infinity, 100 * 4096);
  assert.equal(a.pools.length, 1);
  assert.equal(a.largePool.start, 75);
});

test('a full pool wraps, then spills into other pools, then the large pool, then fails', () => {
  const a = new WindowAllocator(8, 1, 1, Infinity, 8 * 4096);
  // one pool of 6 pages + large pool of 2
  const got: number[] = [];
  for (let i = 0; i < 8; i++) got.push(a.alloc(1));
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(a.alloc(1), -1);
  a.free(3, 1);
  assert.equal(a.alloc(1), 3, 'wraps to the freed page');
});

test('alignment order is honoured relative to the bus page number', () => {
  const a = new WindowAllocator(256, 3);
  const n = a.alloc(4, 0, 4);
  assert.equal((n + 3) % 16, 0);
});

test('no allocation crosses a segment boundary', () => {
  const a = new WindowAllocator(64, 1, 1, 16);
  // Boundaries are on bus page numbers: the window starts at bus page 1.
  assert.equal(a.alloc(10), 0, 'bus pages 1..10');
  assert.equal(a.alloc(10), 15, 'bus pages 11..20 would cross bus page 16: starts at bus page 16');
});

test('free checks its range', () => {
  const a = new WindowAllocator(16, 1);
  assert.throws(() => a.free(3, 1), /not allocated/);
  assert.throws(() => a.free(15, 2), RangeError);
  assert.equal(a.alloc(0), -1);
});

test('pool of a request and of a page: small pools by CPU, large requests and top pages in the large pool', () => {
  const size = GiB / 4096;
  const a = new WindowAllocator(size, 1, 16, Infinity, GiB);
  assert.equal(a.poolFor(1, 5), 1);
  assert.equal(a.poolFor(16, 5), 4);
  assert.equal(a.poolOf(0), 0);
  assert.equal(a.poolOf(a.pools[2]!.start + 3), 2);
  assert.equal(a.poolOf(size - 1), 4);
});
