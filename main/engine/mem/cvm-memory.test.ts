import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CvmMemory } from './cvm-memory';
import { HostBacking, PAGE, PAGES_1G, PAGES_2M, type BackingConfig } from './host-backing';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const hugetlb: BackingConfig = { private: 'hugetlb-2m', shared: 'hugetlb-2m', discard: true };

function booted(bytes: number, cfg: BackingConfig): CvmMemory {
  const m = new CvmMemory(bytes / PAGE, cfg);
  m.touch(0, bytes / PAGE); // eager acceptance: every private page faulted in
  return m;
}

test('hugetlb 2 MiB backing: each 4 KiB page converted to shared leaves exactly 2 MiB doubly allocated (Done-when 1)', () => {
  const m = booted(1 * GiB, hugetlb);
  assert.equal(m.backing.doubleAllocatedBytes, 0);
  assert.equal(m.backing.privateBackedBytes, GiB);
  for (let k = 1; k <= 10; k++) {
    const page = (k * 7) * PAGES_2M + 3; // one 4 KiB page in a different 2 MiB region each time
    const e = m.convert(page, page + 1, 'shared');
    assert.equal(e.pages, 1);
    assert.equal(e.freedPages, 0, 'hugetlbfs cannot punch a 4 KiB hole');
    assert.equal(m.backing.doubleAllocatedBytes, k * 2 * MiB, `after ${k} conversions`);
  }
  assert.equal(m.backing.peakDoubleAllocatedBytes, 10 * 2 * MiB);
  // A second 4 KiB page in an already doubly allocated region adds nothing.
  m.convert(7 * PAGES_2M + 4, 7 * PAGES_2M + 5, 'shared');
  assert.equal(m.backing.doubleAllocatedBytes, 10 * 2 * MiB);
  m.backing.validate();
});

test('2 MiB-aligned conversions with discard leave no double allocation (Done-when 1)', () => {
  const m = booted(1 * GiB, hugetlb);
  const pool = 64 * PAGES_2M; // a 128 MiB pool, 2 MiB aligned
  const e = m.convert(pool, pool + 32 * PAGES_2M, 'shared');
  assert.equal(e.pages, 32 * PAGES_2M);
  assert.equal(e.freedPages, 32 * PAGES_2M);
  assert.equal(e.splits, 0);
  assert.equal(m.backing.doubleAllocatedBytes, 0);
  assert.equal(m.backing.peakDoubleAllocatedBytes, 0);
  assert.equal(m.backing.sharedBackedBytes, 64 * MiB);
  assert.equal(m.backing.privateBackedBytes, GiB - 64 * MiB);
});

test('without discard every converted page stays doubly allocated, even at 2 MiB', () => {
  const m = booted(64 * MiB, { private: 'hugetlb-2m', shared: 'hugetlb-2m', discard: false });
  m.convert(0, PAGES_2M, 'shared');
  assert.equal(m.backing.doubleAllocatedBytes, 2 * MiB);
});

test('4 KiB backings with discard: conversions free exactly what they leave', () => {
  const m = booted(16 * MiB, { private: '4k', shared: '4k', discard: true });
  for (let p = 100; p < 110; p++) m.convert(p, p + 1, 'shared');
  assert.equal(m.backing.doubleAllocatedBytes, 0);
  assert.equal(m.backing.sharedBackedBytes, 10 * PAGE);
  assert.equal(m.backing.privateBackedBytes, 16 * MiB - 10 * PAGE);
  m.convert(100, 110, 'private');
  assert.equal(m.backing.sharedBackedBytes, 0);
  assert.equal(m.backing.privateBackedBytes, 16 * MiB);
});

test('THP shared side: a 4 KiB shared page allocates a 2 MiB THP, discard of the private 4 KiB frees it', () => {
  const m = booted(16 * MiB, { private: '4k', shared: 'thp-2m', discard: true });
  m.convert(5, 6, 'shared');
  // Shared THP covers the whole 2 MiB region; private pages still back the other 511.
  assert.equal(m.backing.sharedBackedBytes, 2 * MiB);
  assert.equal(m.backing.doubleAllocatedBytes, 2 * MiB - PAGE);
});

test('a 4 KiB conversion inside a 2 MiB EPT leaf splits it: entries +511; 2 MiB conversions never split (Done-when 2)', () => {
  const m = booted(1 * GiB, hugetlb);
  assert.equal(m.ept.leaves2m, 512);
  assert.equal(m.ept.entries, 512);
  const before = m.ept.entries;
  const e = m.convert(10 * PAGES_2M + 17, 10 * PAGES_2M + 18, 'shared');
  assert.equal(e.splits, 1);
  assert.equal(e.zappedLeaves, 1);
  assert.equal(e.refaults, 512, 'the zapped 2 MiB comes back as 512 4 KiB leaves');
  assert.equal(m.ept.entries, before + 511);
  assert.equal(m.ept.leaves4k, 512);
  assert.equal(m.ept.leafAt(10 * PAGES_2M + 17), 1);
  // One PT page appears for the split region.
  assert.equal(m.ept.tablePages, 1 + 1 + 1 + 1);
  // A second 4 KiB conversion in the same region: no new split, entries unchanged.
  const e2 = m.convert(10 * PAGES_2M + 18, 10 * PAGES_2M + 19, 'shared');
  assert.equal(e2.splits, 0);
  assert.equal(m.ept.entries, before + 511);
  // 2 MiB-aligned conversions elsewhere: no split, entry count unchanged.
  let splits = 0;
  for (let u = 100; u < 132; u++) splits += m.convert(u * PAGES_2M, (u + 1) * PAGES_2M, 'shared').splits;
  assert.equal(splits, 0);
  assert.equal(m.ept.entries, before + 511);
  assert.equal(m.ept.splitsTotal, 1);
});

test('converting back does not re-collapse a split region (no huge-page recovery), a 2 MiB zap does', () => {
  const m = booted(64 * MiB, hugetlb);
  m.convert(3, 4, 'shared');
  assert.equal(m.ept.entries, 32 + 511);
  m.convert(3, 4, 'private');
  assert.equal(m.ept.entries, 32 + 511, 'KVM zaps only the 4 KiB leaf; the region stays at 4 KiB');
  m.convert(0, PAGES_2M, 'private');
  assert.equal(m.ept.entries, 32, 'zapping the whole region lets it fault back as one 2 MiB leaf');
  assert.equal(m.ept.tablePages, 3);
});

test('1 GiB hugetlb backing: a 4 KiB conversion splits a 1 GiB leaf into 511 × 2 MiB + 512 × 4 KiB', () => {
  const m = booted(2 * GiB, { private: 'hugetlb-1g', shared: 'hugetlb-1g', discard: true });
  assert.equal(m.ept.leaves1g, 2);
  const e = m.convert(PAGES_1G + 5, PAGES_1G + 6, 'shared');
  assert.equal(e.splits, 1);
  assert.equal(m.ept.leaves1g, 1);
  assert.equal(m.ept.leaves2m, 511);
  assert.equal(m.ept.leaves4k, 512);
  assert.equal(m.backing.doubleAllocatedBytes, GiB, 'a 1 GiB hugetlb page cannot be punched per 4 KiB');
});

test('4 KiB backing never maps huge leaves', () => {
  const m = booted(8 * MiB, { private: '4k', shared: '4k', discard: true });
  assert.equal(m.ept.leaves4k, 2048);
  assert.equal(m.ept.leaves2m, 0);
  assert.equal(m.ept.tablePages, 1 + 1 + 1 + 4);
});

test('a 1 TiB guest fits: accept and convert sparsely without per-page arrays', () => {
  const pages = 2 ** 40 / PAGE;
  const m = new CvmMemory(pages, hugetlb);
  m.touch(0, 4 * PAGES_1G); // 4 GiB accepted at boot, the rest lazily
  for (let k = 0; k < 2000; k++) {
    const p = k * 3 * PAGES_2M + 1;
    m.convert(p, p + 1, 'shared');
  }
  assert.equal(m.backing.sharedBytes, 2000 * PAGE);
  assert.equal(m.ept.splitsTotal, 683, 'only the 2,048 accepted 2 MiB regions were mapped: conversions k = 0..682 land in them');
  assert.ok(m.backing.extents < 10_000);
});

test('HostBacking.touch allocates hugetlb pages whole and is idempotent', () => {
  const b = new HostBacking(4096, hugetlb);
  assert.equal(b.touch(1, 2), PAGES_2M);
  assert.equal(b.touch(0, 512), 0);
  assert.equal(b.privateBackedBytes, 2 * MiB);
  b.validate();
});

test('batched 2 MiB mapping of long uniform runs gives the same leaves and tables as one region at a time', () => {
  for (const cfg of [hugetlb, { private: 'hugetlb-1g', shared: 'hugetlb-2m', discard: true } as BackingConfig, { private: 'thp-2m', shared: '4k', discard: false } as BackingConfig]) {
    const a = new CvmMemory(4 * PAGES_1G, cfg);
    const b = new CvmMemory(4 * PAGES_1G, cfg);
    // b's policy without the batching hint.
    (b as unknown as { policy: { sameUntil?: unknown } }).policy.sameUntil = undefined;
    let s = 12345;
    const rnd = (n: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s % n;
    };
    for (let i = 0; i < 60; i++) {
      const start = rnd(4 * PAGES_1G - 2000);
      const len = rnd(3) === 0 ? PAGES_2M * (1 + rnd(600)) : 1 + rnd(1500);
      const end = Math.min(4 * PAGES_1G, start + len);
      if (rnd(2) === 0) {
        a.touch(start, end);
        b.touch(start, end);
      } else {
        const to = rnd(2) === 0 ? 'shared' : 'private';
        const ea = a.convert(start, end, to);
        const eb = b.convert(start, end, to);
        assert.deepEqual(ea, eb);
      }
      assert.equal(a.ept.entries, b.ept.entries);
      assert.equal(a.ept.tablePages, b.ept.tablePages);
      assert.equal(a.backing.doubleAllocatedBytes, b.backing.doubleAllocatedBytes);
    }
  }
});
