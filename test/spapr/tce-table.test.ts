import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TceTable, tceValue, tcePerms, tceAddress, TCE_READ, TCE_WRITE } from '../../main/engine/models/spapr/tce-table';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

test('1 GiB of 4 KiB TCEs is 262,144 entries and exactly 2 MiB of table', () => {
  const t = new TceTable(12, GiB / 4096);
  assert.equal(t.entries, 262144);
  assert.equal(t.tableBytes, 2 * MiB);
});

test('64 MiB window (dma_win_size=0x4000000) is 16,384 TCEs, 128 KiB', () => {
  const t = new TceTable(12, 0x4000000 / 4096);
  assert.equal(t.entries, 16384);
  assert.equal(t.tableBytes, 128 * 1024);
});

test('entries carry address and permissions; clearing removes validity', () => {
  const t = new TceTable(12, 1024);
  const v = tceValue(0x5000, TCE_READ | TCE_WRITE);
  assert.equal(tcePerms(v), 3);
  assert.equal(tceAddress(v), 0x5000);
  assert.equal(t.set(7, v), 0);
  assert.equal(t.get(7), v);
  assert.equal(t.validCount, 1);
  assert.equal(t.set(7, 0), v);
  assert.equal(t.validCount, 0);
  assert.equal(t.get(8), 0);
});

test('visible bytes count distinct guest pages, not entries', () => {
  const t = new TceTable(24, 64);
  t.set(0, tceValue(0, TCE_READ));
  t.set(1, tceValue(0, TCE_READ | TCE_WRITE));
  t.set(2, tceValue(16 * MiB, TCE_READ));
  assert.equal(t.validCount, 3);
  assert.equal(t.visibleBytes, 2 * 16 * MiB);
  t.set(0, 0);
  assert.equal(t.visibleBytes, 2 * 16 * MiB);
  t.set(1, 0);
  assert.equal(t.visibleBytes, 16 * MiB);
});

test('out-of-range indexes and bad geometry are errors', () => {
  const t = new TceTable(12, 16);
  assert.throws(() => t.get(16), RangeError);
  assert.throws(() => t.set(-1, 1), RangeError);
  assert.throws(() => new TceTable(12, 16, 6), RangeError);
  assert.throws(() => new TceTable(11, 16), RangeError);
});

test('multi-level table counts only the levels allocated', () => {
  // 1 GiB / 4 KiB = 2^18 entries over 2 levels: 9 bits per level, 512 entries (4 KiB) per level page.
  const t = new TceTable(12, GiB / 4096, 2, 4096);
  assert.equal(t.entriesPerLevel, 512);
  assert.equal(t.tableBytes, 4096, 'only the top level at creation');
  for (let i = 0; i < 262144; i += 4096) t.set(i, 0);
  assert.equal(t.tableBytes, 4096, 'clears allocate nothing');
  t.set(0, tceValue(0, TCE_READ));
  t.set(511, tceValue(4096, TCE_READ));
  assert.equal(t.tableBytes, 2 * 4096, 'entries 0 and 511 share one leaf');
  t.set(512, tceValue(8192, TCE_READ));
  assert.equal(t.tableBytes, 3 * 4096);
  t.set(512, 0);
  assert.equal(t.tableBytes, 3 * 4096, 'levels are not freed by clears');
  for (let i = 0; i < 262144; i++) t.set(i, tceValue(0, TCE_READ));
  assert.equal(t.tableBytes, 4096 + 512 * 4096, 'fully used: top + every leaf');
});

test('three levels with a minimum level size allocate every level on the path', () => {
  // 2^18 entries, 3 levels: 6 bits each, but at least 64 KiB (8192 entries) per level.
  const t = new TceTable(12, 2 ** 18, 3, 65536);
  assert.equal(t.entriesPerLevel, 8192);
  t.set(100000, tceValue(0, TCE_READ));
  assert.deepEqual([t.levelPages(0), t.levelPages(1), t.levelPages(2)], [1, 1, 1]);
  assert.equal(t.tableBytes, 3 * 65536);
});

test('writes in any order across chunks read back as a plain map of them says (the last-chunk lookup is never stale)', () => {
  // 5 chunks' worth of entries; clears of never-written entries first (absent chunks), then a
  // seeded mix of writes and clears that jumps between chunks and runs along them.
  const n = 5 * 4096 + 17;
  const t = new TceTable(12, n);
  const ref = new Map<number, number>();
  let x = 12345;
  const next = (m: number): number => ((x = (x * 1103515245 + 12345) % 2 ** 31), Math.floor(x / 65536) % m);
  for (let i = 0; i < 200; i++) t.set(next(n), 0);
  for (let i = 0; i < 20000; i++) {
    const at = i % 3 === 0 ? next(n) : (i * 7) % n;
    const v = next(4) === 0 ? 0 : tceValue(next(1 << 18) * 4096, TCE_READ | (next(2) === 0 ? 0 : TCE_WRITE));
    assert.equal(t.set(at, v), ref.get(at) ?? 0);
    if (v === 0) ref.delete(at);
    else ref.set(at, v);
  }
  for (let at = 0; at < n; at++) assert.equal(t.get(at), ref.get(at) ?? 0);
  assert.equal(t.validCount, ref.size);
});
