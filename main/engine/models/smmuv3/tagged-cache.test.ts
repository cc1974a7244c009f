// The typed-array TaggedCache against a plain reference (a Map in recency order, as the cache
// was before it became a pure data structure): the same answers, sizes, counts and LRU victims
// over long random operation sequences, with small capacities so eviction and hash collisions
// (backward-shift deletion) happen constantly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaggedCache } from './tagged-cache';
import { Rng } from '../../kernel/rng';

class Reference {
  private readonly entries = new Map<string, { tag: number; key: number; value: number }>();
  constructor(readonly capacity: number) {}
  get size(): number {
    return this.entries.size;
  }
  get(tag: number, key: number): number | undefined {
    const k = `${tag}|${key}`;
    const e = this.entries.get(k);
    if (e === undefined) return undefined;
    this.entries.delete(k);
    this.entries.set(k, e);
    return e.value;
  }
  has(tag: number, key: number): boolean {
    return this.entries.has(`${tag}|${key}`);
  }
  set(tag: number, key: number, value: number): void {
    const k = `${tag}|${key}`;
    if (this.entries.has(k)) this.entries.delete(k);
    else if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(k, { tag, key, value });
  }
  delete(tag: number, key: number): boolean {
    return this.entries.delete(`${tag}|${key}`);
  }
  deleteWhere(pred: (e: { tag: number; key: number }) => boolean): number {
    let n = 0;
    for (const [k, e] of [...this.entries]) if (pred(e)) n += this.entries.delete(k) ? 1 : 0;
    return n;
  }
  peek(tag: number, key: number): number | undefined {
    return this.entries.get(`${tag}|${key}`)?.value;
  }
  newestIs(depth: number, tag: number, key: number, value: number): boolean {
    const e = [...this.entries.values()].reverse()[depth];
    return e !== undefined && e.tag === tag && e.key === key && e.value === value;
  }
  tags(): number[] {
    return [...new Set([...this.entries.values()].map((e) => e.tag))].sort((a, b) => a - b);
  }
}

test('TaggedCache behaves exactly as the reference LRU under random operations', () => {
  // 1000 grows its slots (256 → 512 → 1000) while entries are live.
  for (const capacity of [1, 2, 7, 64, 1000]) {
    const rng = new Rng(capacity, 'tagged-cache');
    const c = new TaggedCache(capacity);
    const r = new Reference(capacity);
    // Large tags and keys too: page numbers above 2^32 and VMID-scaled tags.
    const tagOf = (): number => [1, 2, 3, 2 ** 18 + 5, 2 ** 33 + 7][Math.floor(rng.float() * 5)]!;
    const keyOf = (): number => (rng.float() < 0.2 ? 2 ** 36 : 0) + Math.floor(rng.float() * capacity * 3);
    // Fill past capacity first (growth and eviction), then mix every operation.
    for (let i = 0; i < capacity * 3; i++) {
      const tag = tagOf();
      const key = keyOf();
      if (rng.float() < 0.3) assert.equal(c.get(tag, key), r.get(tag, key), `fill get #${i}`);
      c.set(tag, key, i);
      r.set(tag, key, i);
      assert.equal(c.size, r.size, `size after fill #${i}`);
    }
    for (let i = 0; i < 20000; i++) {
      const op = rng.float();
      const tag = tagOf();
      const key = keyOf();
      if (op < 0.35) assert.equal(c.get(tag, key), r.get(tag, key), `get #${i}`);
      else if (op < 0.7) {
        const v = Math.floor(rng.float() * 1e9);
        c.set(tag, key, v);
        r.set(tag, key, v);
      } else if (op < 0.8) assert.equal(c.delete(tag, key), r.delete(tag, key), `delete #${i}`);
      else if (op < 0.85) assert.equal(c.has(tag, key), r.has(tag, key), `has #${i}`);
      else if (op < 0.9) {
        const lo = keyOf();
        const hi = lo + Math.floor(rng.float() * capacity * 2);
        assert.equal(c.deleteKeyRange(tag, lo, hi), r.deleteWhere((e) => e.tag === tag && e.key >= lo && e.key < hi), `deleteKeyRange #${i}`);
      } else if (op < 0.93) assert.equal(c.deleteTag(tag), r.deleteWhere((e) => e.tag === tag), `deleteTag #${i}`);
      else if (op < 0.95) assert.equal(c.deleteTags((t) => t % 2 === 1), r.deleteWhere((e) => e.tag % 2 === 1), `deleteTags #${i}`);
      else if (op < 0.951) assert.equal(c.clear(), r.deleteWhere(() => true), `clear #${i}`);
      // newestIs reads the recency order: probe the few newest places, with the key most often there.
      for (let d = 0; d < 3; d++) {
        const probe = rng.float() < 0.5 ? [tag, key] : [tagOf(), keyOf()];
        const v = (rng.float() < 0.8 ? r.peek(probe[0]!, probe[1]!) : undefined) ?? Math.floor(rng.float() * 1e9);
        assert.equal(c.newestIs(d, probe[0]!, probe[1]!, v), r.newestIs(d, probe[0]!, probe[1]!, v), `newestIs #${i}/${d}`);
      }
      assert.equal(c.size, r.size, `size after #${i}`);
    }
    assert.deepEqual([...c.tags()].sort((a, b) => a - b), r.tags());
  }
});

test('TaggedCache evicts the least recently used entry, counting a get as a use and has as none', () => {
  const c = new TaggedCache(2);
  c.set(1, 10, 100);
  c.set(1, 11, 110);
  assert.equal(c.has(1, 10), true);
  c.set(1, 12, 120); // has() did not refresh 10: it is the victim
  assert.equal(c.get(1, 10), undefined);
  assert.equal(c.get(1, 11), 110); // 11 is now the newest
  c.set(2, 13, 130); // so 12 goes
  assert.equal(c.has(1, 12), false);
  assert.equal(c.countOf(1), 1);
  assert.equal(c.countOf(2), 1);
});
