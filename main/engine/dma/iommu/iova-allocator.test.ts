import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IovaAllocator, MAG_SIZE, roundUpPow2 } from './iova-allocator';
import { FlushQueues } from './flush-queue';

test('sizes under 32 pages round up to a power of two; every allocation is aligned to its size rounded up; top-down below the limit', () => {
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
  const z = a.alloc(33, 0)!;
  assert.equal(z.pages, 33, 'a 33-page request reserves 33 pages (Linux rounds only under 32)...');
  assert.equal(z.pfn % 64, 0, '...aligned to 64');
  assert.deepEqual(a.ranges().at(0), [z.pfn, z.pfn + 32]);
  assert.equal(a.treePages, 4 + 64 + 33);
});

test('freed sizes up to 32 pages come back from the per-CPU magazines without the tree', () => {
  const a = new IovaAllocator(1, 1 << 20);
  const x = a.alloc(8, 0)!;
  assert.equal(a.free(x.pfn, x.pages, 0), false, "went into CPU 0's magazine");
  const again = a.alloc(8, 0)!;
  assert.equal(again.tree, false);
  assert.equal(again.pfn, x.pfn);
  assert.equal(a.alloc(8, 1)!.tree, true, 'CPU 1 has its own magazines');
  const big = a.alloc(64, 0)!;
  assert.equal(a.free(big.pfn, big.pages, 0), true, '64 pages is beyond the cached classes');
  const odd = a.alloc(5, 0)!;
  assert.equal(a.free(odd.pfn, 5, 0), false, 'a free of 5 mapped pages goes to the 8-page class (order_base_2)');
  assert.equal(a.alloc(7, 0)!.pfn, odd.pfn);
});

test('magazines hold 127 PFNs; overflow goes to prev, then to the depot, which other CPUs can use', () => {
  const a = new IovaAllocator(1, 1 << 24);
  const pfns = Array.from({ length: 3 * MAG_SIZE + 1 }, () => a.alloc(1, 0)!.pfn);
  for (const p of pfns) assert.equal(a.free(p, 1, 0), false);
  const treeBefore = a.treeAllocs;
  for (let i = 0; i < MAG_SIZE; i++) assert.equal(a.alloc(1, 5)!.tree, false, 'CPU 5 takes a full magazine from the depot');
  assert.equal(a.treeAllocs, treeBefore);
  for (let i = 0; i < MAG_SIZE; i++) assert.equal(a.alloc(1, 5)!.tree, false, 'and the second full magazine');
  assert.equal(a.alloc(1, 5)!.tree, true, 'the depot held two (CPU 0 keeps its partial loaded magazine)');
});

test('the walk starts at the cached node: a hole above it is not seen until the walk below fails (not first fit)', () => {
  const a = new IovaAllocator(1, 1 << 24);
  const [A, B, C] = [a.alloc(64, 0)!, a.alloc(64, 0)!, a.alloc(64, 0)!];
  assert.deepEqual([B.pfn, C.pfn], [A.pfn - 64, A.pfn - 128]);
  a.free(B.pfn, 64, 0); // at or above the cached node (C): the cached node moves to B's successor, A
  const E = a.alloc(128, 0)!; // does not fit B's hole: goes below C (128-aligned), and becomes the cached node
  assert.equal(E.pfn, C.pfn - 192);
  const F = a.alloc(64, 0)!;
  assert.equal(F.pfn, E.pfn - 64, "the walk starts at E: B's hole, above it, is skipped (first fit would take it)");
  a.free(E.pfn, 128, 0); // at or above the cached node (F): the cached node moves to E's successor, C
  assert.equal(a.alloc(64, 0)!.pfn, C.pfn - 64, 'now the walk from C takes the top of the gap below it');
  assert.equal(a.alloc(64, 0)!.pfn, C.pfn - 128);
});

test('when the walk from the cached node reaches the bottom, it retries once in the space above it', () => {
  const a = new IovaAllocator(720, 1025);
  const A = a.alloc(64, 0)!;
  const B = a.alloc(64, 0)!;
  assert.deepEqual([A.pfn, B.pfn], [960, 896]);
  a.free(A.pfn, 64, 0); // 64 pages: not cached, back to the tree; the cached node moves up to the anchor
  const E = a.alloc(65, 0)!; // too big for A's hole: placed below B (128-aligned), the new cached node
  assert.equal(E.pfn, 768);
  const X = a.alloc(64, 0)!; // nothing fits between the start pfn 720 and E: retry above E
  assert.equal(X.pfn, 960, "the retry finds A's hole");
  assert.equal(a.rcacheFlushes, 0);
});

test('exhaustion: every magazine is flushed back to the tree and the allocation retried once', () => {
  const a = new IovaAllocator(1, 17);
  const x = a.alloc(8, 0)!;
  assert.equal(x.pfn, 8);
  a.free(x.pfn, 8, 0); // cached by CPU 0, still allocated in the tree
  const y = a.alloc(8, 1)!; // CPU 1: no magazine; the tree is full until CPU 0's magazine is flushed
  assert.equal(y.pfn, 8);
  assert.equal(y.tree, true);
  assert.equal(a.rcacheFlushes, 1);
  assert.equal(a.alloc(8, 0), null, 'CPU 0 lost its cached range in the flush');
});

test('below 4 GiB a failed size is remembered (max32_alloc_size) until something below 4 GiB is freed', () => {
  const a = new IovaAllocator(1, 9);
  const x = a.alloc(4, 0)!;
  assert.ok(x);
  assert.equal(a.alloc(8, 0), null);
  const allocsBefore = a.treeAllocs;
  assert.equal(a.alloc(8, 0), null, 'fails at once');
  a.free(x.pfn, 64, 0);
  assert.equal(a.alloc(8, 0), null, 'pfn 0 is reserved: 8 aligned pages never fit in [1, 9)');
  assert.equal(a.alloc(4, 0)!.pfn, 4);
  assert.equal(a.treeAllocs, allocsBefore + 1);
});

test('exhaustion returns null', () => {
  const a = new IovaAllocator(1, 9);
  assert.ok(a.alloc(4, 0));
  assert.equal(a.alloc(8, 0), null);
});

test('a million live allocations: the tree stays consistent and frees find their ranges', () => {
  const a = new IovaAllocator(1, 2 ** 36);
  const n = 1_000_000;
  const pfns = new Float64Array(n);
  for (let i = 0; i < n; i++) pfns[i] = a.alloc(64, 0)!.pfn;
  assert.equal(a.treeNodes, n);
  for (let i = 0; i < n; i += 2) a.free(pfns[i]!, 64, 0);
  assert.equal(a.treeNodes, n / 2);
  for (let i = 0; i < n; i += 2) assert.equal(a.alloc(64, 0)!.tree, true);
  assert.equal(a.treeNodes, n);
  assert.equal(a.treePages, 64 * n);
});

test('random sizes, CPUs and free order: ranges never overlap, stay aligned and inside the space; the tree stays balanced', () => {
  let s = 12345;
  const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const a = new IovaAllocator(1, 2 ** 20);
  const live: { pfn: number; pages: number }[] = [];
  for (let step = 0; step < 20000; step++) {
    if (live.length > 0 && rnd() < 0.48) {
      const i = Math.floor(rnd() * live.length);
      const x = live[i]!;
      live[i] = live[live.length - 1]!;
      live.pop();
      a.free(x.pfn, x.pages, Math.floor(rnd() * 4));
    } else {
      const pages = 1 + Math.floor(rnd() * rnd() * 100);
      const x = a.alloc(pages, Math.floor(rnd() * 4));
      if (x === null) continue;
      assert.equal(x.pfn % roundUpPow2(pages), 0);
      live.push({ pfn: x.pfn, pages: x.pages });
    }
  }
  a.checkTree();
  const sorted = [...live].sort((p, q) => p.pfn - q.pfn);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1]!.pfn + sorted[i - 1]!.pages <= sorted[i]!.pfn, 'no overlap');
  assert.ok(sorted[0]!.pfn >= 1 && sorted.at(-1)!.pfn + sorted.at(-1)!.pages <= 2 ** 20);
});

test('flush queue: entries wait for a flush that started after they were queued', () => {
  const fq = new FlushQueues(2);
  fq.push(0, 1, 1, 1, 4096);
  assert.equal(fq.reap(0).length, 0);
  fq.beginFlush();
  fq.push(0, 2, 1, 1, 8192);
  assert.equal(fq.isFull(0), true);
  fq.endFlush();
  assert.deepEqual(fq.reap(0).map((e) => e.pfn), [1], 'the entry queued during the flush waits for the next one');
  fq.beginFlush();
  fq.endFlush();
  assert.deepEqual(fq.reap().map((e) => e.pfn), [2]);
});
