import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IovaTree, NIL } from './iova-tree';

/** A deterministic LCG (no Math.random in tests that must repeat). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

test('red-black tree: random inserts and erases keep the invariants, order, lookups and neighbours right', () => {
  const t = new IovaTree(4);
  const rnd = lcg(7);
  const live = new Map<number, number>(); // lo → node
  for (let step = 0; step < 20000; step++) {
    if (live.size === 0 || rnd() < 0.55) {
      const lo = Math.floor(rnd() * 1e6) * 10;
      if (live.has(lo)) continue;
      live.set(lo, t.insert(lo, lo + 9));
    } else {
      const keys = [...live.keys()];
      const lo = keys[Math.floor(rnd() * keys.length)]!;
      t.erase(live.get(lo)!);
      live.delete(lo);
    }
    if (step % 997 === 0) t.check();
  }
  const h = t.check();
  assert.ok(h <= 2 * Math.log2(live.size + 1) + 2, `black height ${h} is logarithmic`);
  const sorted = [...live.keys()].sort((a, b) => a - b);
  assert.deepEqual(t.ranges().map(([lo]) => lo), sorted);
  assert.equal(t.size, live.size);
  const mid = sorted[sorted.length >> 1]!;
  const node = t.find(mid + 5);
  assert.equal(t.lo[node], mid, 'find: the range containing a pfn');
  assert.equal(t.find(mid + 10 === sorted[(sorted.length >> 1) + 1] ? -1 : mid + 10), NIL);
  assert.equal(t.lo[t.next(node)], sorted[(sorted.length >> 1) + 1]);
  assert.equal(t.lo[t.prev(node)], sorted[(sorted.length >> 1) - 1]);
  assert.equal(t.lo[t.ceiling(mid + 1)], sorted[(sorted.length >> 1) + 1], 'ceiling: lowest range starting at or above');
});
