import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRANULE, RadixPageTable, tablePageAllocator } from '../../mem/radix-page-table';
import { configFetchReads, fillWalkCache, nestedWalk } from './nested-walk';
import { StreamTable, CdTable } from './stream-table';
import { TranslationCaches, walkKey } from './translation-caches';
import { Rng } from '../../kernel/rng';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** A guest stage 1 whose tables live in guest IPA space at 1 GiB, and a stage 2 mapping the IPA it needs at 4 KiB. */
function setup(s2Levels: number, s2Leaf = GRANULE) {
  const s1 = new RadixPageTable(4, tablePageAllocator(1 * GiB, 64 * MiB, 's1'));
  const s2 = new RadixPageTable(s2Levels, tablePageAllocator(64 * GiB, 64 * MiB, 's2'));
  // Stage 2 covers the buffer region and the guest's page-table region only, to keep the test small.
  s2.map(0, 16 * GiB, 2 * MiB, Math.min(s2Leaf, 2 * MiB));
  s2.map(GiB, 16 * GiB + GiB, 64 * MiB, Math.min(s2Leaf, 2 * MiB));
  s1.map(0x4000_0000_0000 - 0x1000 * 512, 0x10_0000, 0x1000 * 4);
  return { s1, s2, va: 0x4000_0000_0000 - 0x1000 * 512 + 0x2000 };
}

test('cold nested walk: 4-level stage 1 over 4-level stage 2 reads memory 24 times', () => {
  const { s1, s2, va } = setup(4);
  const w = nestedWalk(va, s1, s2, 1, 1, null);
  assert.equal(w.fault, null);
  assert.equal(w.pa, 16 * GiB + 0x10_0000 + 0x2000);
  assert.equal(w.reads, 24);
});

test('cold nested walk over a 3-level stage 2 reads 19 times', () => {
  const { s1, s2, va } = setup(3);
  assert.equal(nestedWalk(va, s1, s2, 1, 1, null).reads, 19);
});

test('stage-1-only walk reads once per level', () => {
  const { s1, va } = setup(4);
  assert.equal(nestedWalk(va, s1, null, 1, 1, null).reads, 4);
});

test('stage-2 block mappings shorten every stage-2 walk (2 MiB blocks: 3 reads each)', () => {
  const { s1, s2, va } = setup(4, 2 * MiB);
  assert.equal(nestedWalk(va, s1, s2, 1, 1, null).reads, 4 * 4 + 3);
});

test('configuration fetch: STE 1 or 2 reads, CD 5 (linear) or 10 (2-level) behind a 4-level stage 2; worst cold miss 36', () => {
  const { s1, s2, va } = setup(4);
  const cdIpa = 1 * GiB + 32 * MiB;
  const linearSt = new StreamTable('linear', 8).fetchReads;
  const twoLevelSt = new StreamTable('2-level', 16).fetchReads;
  const linearCd = new CdTable('linear').tableReads;
  const twoLevelCd = new CdTable('2-level', 2048).tableReads;
  const ipas = (n: number) => Array.from({ length: n }, (_, i) => cdIpa + i * GRANULE);
  assert.equal(configFetchReads(0, ipas(linearCd), s2, 1, null), 5);
  assert.equal(configFetchReads(0, ipas(twoLevelCd), s2, 1, null), 10);
  const walk = nestedWalk(va, s1, s2, 1, 1, null).reads;
  assert.equal(walk + configFetchReads(linearSt, ipas(linearCd), s2, 1, null), 30);
  assert.equal(walk + configFetchReads(twoLevelSt, ipas(twoLevelCd), s2, 1, null), 36);
});

test('walk caches and stage-2 TLB entries cut the reads of a neighbouring walk; invalidating the ASID restores the stage-1 cost', () => {
  const { s1, s2, va } = setup(4);
  const caches = new TranslationCaches(2048, 256);
  const cold = nestedWalk(va, s1, s2, 7, 3, caches).reads;
  assert.ok(cold <= 24 && cold >= 12, `first walk with caches filling during the walk: ${cold}`);
  const warm = nestedWalk(va + GRANULE, s1, s2, 7, 3, caches).reads;
  // Leaf table pointer cached (level 3 read only) and its descriptor's IPA translated from the S2 TLB; the output IPA walk is new.
  assert.ok(warm < cold, `warm ${warm} < cold ${cold}`);
  assert.equal(caches.apply({ op: 'TLBI_NH_ASID', vmid: 7, asid: 3 }) > 0, true);
  const afterAsid = nestedWalk(va + 2 * GRANULE, s1, s2, 7, 3, caches).reads;
  assert.ok(afterAsid > warm, `after NH_ASID the stage-1 levels are walked again: ${afterAsid} > ${warm}`);
});

test('unmapped stage-1 page faults at stage 1; missing stage-2 mapping faults at stage 2', () => {
  const { s1, s2, va } = setup(4);
  s1.unmap(va, GRANULE);
  assert.equal(nestedWalk(va, s1, s2, 1, 1, null).fault, 's1');
  const s2small = new RadixPageTable(4, tablePageAllocator(64 * GiB, MiB, 's2'));
  s2small.map(0, 0, GRANULE);
  assert.equal(nestedWalk(va + GRANULE, s1, s2small, 1, 1, null).fault, 's2');
});

test('filling the walk cache skips only sets that would change nothing: same entries, same recency order as setting every level', () => {
  const s1 = new RadixPageTable(4, tablePageAllocator(1 * GiB, 64 * MiB, 's1'));
  const vas = [0, 0x1000, 0x20_0000, 0x4000_0000, 0x80_0000_0000, 0x4000_0000_0000 - 0x1000];
  for (const capacity of [1, 2, 3, 4, 8]) {
    const rng = new Rng(capacity, 'walk-fill');
    const a = new TranslationCaches(16, capacity);
    const b = new TranslationCaches(16, capacity);
    const tags = [2, 3, 2 ** 18];
    for (let i = 0; i < 4000; i++) {
      const tag = tags[Math.floor(rng.float() * tags.length)]!;
      const va = vas[Math.floor(rng.float() * vas.length)]!;
      const steps = 1 + Math.floor(rng.float() * 4);
      if (rng.float() < 0.2) {
        // Other traffic between walks: a stray entry, or a lookup that makes an entry the newest.
        const k = walkKey(Math.floor(rng.float() * 3), Math.floor(rng.float() * 4));
        if (rng.float() < 0.5) {
          a.walk.set(tag, k, 1);
          b.walk.set(tag, k, 1);
        } else assert.equal(a.walk.get(tag, k), b.walk.get(tag, k));
      }
      fillWalkCache(a, tag, s1, va, steps);
      // The reference: every level set, in order from the root.
      for (let level = 0; level < steps - 1; level++) b.walk.set(tag, walkKey(level, Math.floor(va / s1.leafSpan(level))), 1);
      assert.equal(a.walk.size, b.walk.size, `size #${i}`);
      for (let d = 0; d < capacity; d++) {
        for (const t of tags) for (let level = 0; level < 3; level++) for (const v of vas) {
          const k = walkKey(level, Math.floor(v / s1.leafSpan(level)));
          assert.equal(a.walk.newestIs(d, t, k, 1), b.walk.newestIs(d, t, k, 1), `recency place ${d} #${i}`);
        }
      }
    }
  }
});
