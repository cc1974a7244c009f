import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IovaAllocator, MAG_SIZE, roundUpPow2 } from './iova-allocator';
import { FlushQueues } from './flush-queue';

test('sizes round up to a power of two and are aligned to it, allocated top-down below the limit', () => {
  assert.deepEqual([1, 2, 3, 5, 33, 64].map(roundUpPow2), [1, 2, 4, 8, 64, 64]);
  const a = new IovaAllocator(1, 1 << 20);
  const x = a.alloc(3, 0)!;
  assert.equal(x.pages, 4);
  assert.equal(x.pfn % 4, 0);
  assert.equal(x.pfn, (1 << 20) - 4);
  assert.equal(x.tree, true);
  const y = a.alloc(64, 0)!;
  assert.equal(y.pfn % 64, 0);
  assert.ok(y.pfn + 64 <= x.pfn);
});

test('freed sizes up to 32 pages come back from the per-CPU magazines without the tree', () => {
  const a = new IovaAllocator(1, 1 << 20);
  const x = a.alloc(8, 0)!;
  assert.equal(a.free(x.pfn, x.pages, 0), false, 'went into CPU 0\'s magazine');
  const again = a.alloc(8, 0)!;
  assert.equal(again.tree, false);
  assert.equal(again.pfn, x.pfn);
  assert.equal(a.alloc(8, 1)!.tree, true, 'CPU 1 has its own magazines');
  const big = a.alloc(64, 0)!;
  assert.equal(a.free(big.pfn, big.pages, 0), true, '64 pages is beyond the cached classes');
});

test('magazines hold 127 PFNs; overflow goes to prev, then to the depot, which other CPUs can use', () => {
  const a = new IovaAllocator(1, 1 << 24);
  const pfns = Array.from({ length: 3 * MAG_SIZE + 1 }, () => a.alloc(1, 0)!.pfn);
  for (const p of pfns) assert.equal(a.free(p, 1, 0), false);
  const treeBefore = a.treeAllocs;
  for (let i = 0; i < MAG_SIZE; i++) assert.equal(a.alloc(1, 5)!.tree, false, 'CPU 5 takes a full magazine from the depot');
  assert.equal(a.treeAllocs, treeBefore);
});

test('exhaustion returns null', () => {
  const a = new IovaAllocator(1, 9);
  assert.ok(a.alloc(4, 0));
  assert.equal(a.alloc(8, 0), null);
});

test('flush queue: entries wait for a flush that started after they were queued', () => {
  const fq = new FlushQueues(2);
  fq.push(0, { pfn: 1, pages: 1, mappedPages: 1, iova: 4096 });
  assert.equal(fq.reap(0).length, 0);
  fq.beginFlush();
  fq.push(0, { pfn: 2, pages: 1, mappedPages: 1, iova: 8192 });
  assert.equal(fq.isFull(0), true);
  fq.endFlush();
  assert.deepEqual(fq.reap(0).map((e) => e.pfn), [1], 'the entry queued during the flush waits for the next one');
  fq.beginFlush();
  fq.endFlush();
  assert.deepEqual(fq.reap().map((e) => e.pfn), [2]);
});
