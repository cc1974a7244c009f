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

test('scan: one step per descriptor read over a range, leaves and empty slots in address order', () => {
  const t = new RadixPageTable(4, tablePageAllocator(0, 64 * MiB, 't'));
  t.map(0, 0x1000_0000, 2 * GRANULE);
  t.map(2 * MiB, 0x4000_0000, 2 * MiB, 2 * MiB);
  const steps = [...t.scan(0, 4 * MiB)];
  // Level 0 and 1: one table pointer each; level 2: slot 0 (table), slot 1 (2 MiB leaf);
  // level 3 under slot 0: the 512 slots of its first 2 MiB, two leaves and 510 empty.
  assert.deepEqual(
    steps.filter((s) => s.level < 3).map((s) => `${s.level}:${s.kind}`),
    ['0:table', '1:table', '2:table', '2:leaf'],
  );
  const l3 = steps.filter((s) => s.level === 3);
  assert.equal(l3.length, 512);
  assert.deepEqual(l3.slice(0, 3).map((s) => [s.kind, s.va, s.out]), [
    ['leaf', 0, 0x1000_0000],
    ['leaf', GRANULE, 0x1000_1000],
    ['empty', 2 * GRANULE, 0],
  ]);
  assert.equal(steps.find((s) => s.level === 2 && s.kind === 'leaf')!.out, 0x4000_0000);
  // A range inside one table reads only its slots; an unmapped region ends at the first empty slot.
  assert.equal([...t.scan(GRANULE, 3 * GRANULE)].length, 3 + 2);
  assert.deepEqual([...t.scan(GiB, 2 * GiB)].map((s) => `${s.level}:${s.kind}`), ['0:table', '1:empty']);
  assert.deepEqual([...t.scan(5, 5)], []);
});

test('scan from an unaligned start reads the slots containing the range, aligned', () => {
  const t = new RadixPageTable(4, tablePageAllocator(0, 64 * MiB, 't'));
  t.map(0, 0x1000_0000, 4 * GRANULE);
  const leaves = [...t.scan(GRANULE + 100, 3 * GRANULE + 1)].filter((s) => s.level === 3);
  assert.deepEqual(leaves.map((s) => s.va), [GRANULE, 2 * GRANULE, 3 * GRANULE]);
});

test('high input addresses: each level indexes its 9 bits, exactly, up to a 57-bit space', () => {
  const t = new RadixPageTable(5, tablePageAllocator(0, 2 ** 30, 'test'));
  // Every level's index non-zero and different, bit 56 set (level 0: 300): slot arithmetic beyond 32 bits.
  const va = 300 * 2 ** 48 + 5 * 2 ** 39 + 511 * 2 ** 30 + 3 * 2 ** 21 + 9 * 4096;
  const pa = 2 ** 51 + 77 * 4096;
  assert.equal(t.map(va, pa, 4096), 1);
  // Above 2^53 only page-aligned addresses are exact doubles (mem/addr.ts): the walk is of the page.
  const w = t.walk(va);
  const big = BigInt(va);
  for (const s of w.steps) {
    const shift = BigInt(12 + 9 * (4 - s.level));
    assert.equal(s.descAddr - s.tableAddr, Number(((big >> shift) & 511n) * 8n), `level ${s.level}`);
  }
  assert.equal(w.out, pa);
  assert.equal(t.translate(va + 4096), null);
  assert.equal(t.translate(va - 4096), null);
  // A 1 GiB block: the offset inside it is exact, above 2^32 and (page-aligned) above 2^53.
  const block = 2 ** 55 + 2 ** 30;
  t.map(block, 2 ** 40, 2 ** 30, 2 ** 30);
  assert.equal(t.translate(block + 2 ** 29 + 4096 * 3), 2 ** 40 + 2 ** 29 + 4096 * 3);
  const low = new RadixPageTable(4, tablePageAllocator(0, 2 ** 30, 'test'));
  low.map(2 ** 40 + 2 ** 30, 2 ** 33, 2 ** 30, 2 ** 30);
  assert.equal(low.translate(2 ** 40 + 2 ** 30 + 123_456_789), 2 ** 33 + 123_456_789);
});

// map/unmap of one 4 KiB page take one descent (setPage/clearPage) and descend() translates while
// recording the tables it reads: each must give exactly what the general paths give.
test('one-page map/unmap shortcuts equal the general fill/clear; leavesIn counts what unmap clears; descend equals translate + tableAt', () => {
  for (const levels of [3, 4, 5]) {
    const fast = new RadixPageTable(levels, tablePageAllocator(0x1000_0000, 256 * MiB, 'f'));
    const slow = new RadixPageTable(levels, tablePageAllocator(0x1000_0000, 256 * MiB, 's'));
    const top = Math.min(2 ** 48, fast.leafSpan(0) * 512);
    // Addresses clustered in a few 2 MiB and 1 GiB regions (tables shared), some high, some unaligned.
    let x = 0x2545f491 + levels;
    const rnd = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 4) % n;
    };
    // Pages in a few regions whose tables are shared; one region (at 5 GiB) where 2 MiB blocks go too.
    const addr = (): number => (rnd(10) === 0 ? 5 * GiB + rnd(64) * 2 * MiB + rnd(512) * GRANULE : ((rnd(4) * 977 + 3) % 64) * GiB + rnd(3) * 2 * MiB + rnd(600) * GRANULE);
    const outcome = (f: () => number): string => {
      try {
        return String(f());
      } catch (e) {
        return (e as Error).message;
      }
    };
    // unmap on both tables, after leavesIn (both ways) said how many leaves it would clear.
    const unmapBoth = (va: number, size: number, what: string): void => {
      const counted = fast.leavesIn(va, size);
      assert.equal(slow.leavesIn(va, size), counted, `leavesIn ${what}`);
      const cleared = fast.unmap(va, size);
      assert.equal(cleared, slow.unmapRange(va, size), what);
      assert.equal(cleared, counted, `leavesIn is what unmap clears: ${what}`);
    };
    let blocks = 0;
    for (let step = 0; step < 3000; step++) {
      const op = rnd(10);
      const va = addr() % top;
      if (op < 5) {
        const pa = rnd(1 << 20) * GRANULE;
        assert.equal(outcome(() => fast.map(va, pa, GRANULE)), outcome(() => slow.mapRange(va, pa, GRANULE)), `map ${va}`);
      } else if (op < 8) {
        unmapBoth(va, GRANULE, `unmap ${va}`);
      } else if (op === 8) {
        // A 2 MiB block (or the error where tables or pages are already there), and ranges the shortcut does not take.
        const base = 5 * GiB + rnd(64) * 2 * MiB;
        const o = outcome(() => fast.map(base, 0x4000_0000, 2 * MiB, 2 * MiB));
        assert.equal(o, outcome(() => slow.mapRange(base, 0x4000_0000, 2 * MiB, 2 * MiB)));
        if (o === '1') blocks++;
        if (o === '1' && rnd(2) === 0) unmapBoth(base + rnd(512) * GRANULE, GRANULE, 'a page of a block');
        unmapBoth(va + 5, GRANULE, 'unaligned page');
      } else {
        unmapBoth(va, 3 * GRANULE, 'three pages');
      }
      assert.equal(fast.leafCount, slow.leafCount);
      assert.equal(fast.tablePages, slow.tablePages);
      const probe = rnd(2) === 0 ? va : addr() % top;
      assert.deepEqual(fast.walk(probe), slow.walk(probe), `walk ${probe}`);
      assert.equal(fast.descend(probe), slow.translate(probe), `descend ${probe}`);
    }
    // descend against translate and tableAt over every touched address.
    for (let i = 0; i < 2000; i++) {
      const va = (addr() + rnd(4096)) % top;
      assert.equal(fast.descend(va), slow.translate(va), `descend ${va}`);
      let deepest = 0;
      for (let l = 1; l < levels; l++) if (slow.tableAt(va, l) !== null) deepest = l;
      assert.equal(fast.pathDepth, deepest + 1, `depth ${va}`);
      for (let l = 0; l < fast.pathDepth; l++) assert.equal(fast.pathTable(l), slow.tableAt(va, l), `table ${l} of ${va}`);
    }
    assert.deepEqual([...fast.scan(0, top)], [...slow.scan(0, top)]);
    assert.ok(fast.leafCount > 100, `${fast.leafCount} leaves`);
    assert.ok(blocks > 5, `${blocks} 2 MiB blocks mapped`);
    assert.throws(() => fast.pathTable(fast.pathDepth), /read/);
  }
});
