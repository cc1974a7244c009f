import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAreas, IO_TLB_SEGSIZE, SwiotlbPool } from '../../main/engine/dma/swiotlb-pool';

const MiB = 2 ** 20;

test('64 MiB pool: 32,768 slots of 2 KiB, 24 B metadata each', () => {
  const p = new SwiotlbPool(0, 64 * MiB, 4);
  assert.equal(p.nslabs, 32768);
  assert.equal(p.memoryBytes, 64 * MiB + 32768 * 24);
  assert.equal(p.areas.length, 4);
  assert.equal(p.areas[3]!.start, 3 * 8192);
});

test('default areas: CPUs rounded up to a power of two, each area at least 128 slots', () => {
  assert.equal(defaultAreas(6, 32768), 8);
  assert.equal(defaultAreas(1, 32768), 1);
  assert.equal(defaultAreas(64, 1024), 8);
});

test('a mapping takes ceil(size / 2 KiB) contiguous slots; at most 128 (256 KiB)', () => {
  const p = new SwiotlbPool(0x1000000, MiB, 1);
  const a = p.alloc(1500)!;
  assert.equal(a.nslots, 1);
  assert.equal(a.addr, 0x1000000);
  const b = p.alloc(256 * 1024)!;
  assert.equal(b.nslots, IO_TLB_SEGSIZE);
  assert.equal(p.alloc(256 * 1024 + 1), null);
});

test('a mapping never crosses a 128-slot segment', () => {
  const p = new SwiotlbPool(0, MiB, 1, 2 ** 30);
  const a = p.alloc(100 * 2048)!;
  assert.equal(a.slot, 0);
  const b = p.alloc(60 * 2048)!;
  assert.equal(b.slot, 128, 'slots 100..159 would cross the segment at 128');
});

test('page-sized mappings start on a page boundary', () => {
  const p = new SwiotlbPool(0, MiB, 1, 4096);
  p.alloc(2048);
  const b = p.alloc(4096)!;
  assert.equal(b.slot % 2, 0);
  assert.equal(b.slot, 2);
});

test('a full area falls back to the others; exhaustion fails without blocking', () => {
  const p = new SwiotlbPool(0, 512 * 2048, 2);
  const got = [];
  for (let i = 0; i < 256; i++) got.push(p.alloc(2048, 1)!);
  assert.ok(got.every((s) => s.area === 1));
  const spill = p.alloc(2048, 1)!;
  assert.equal(spill.area, 0);
  for (let i = 0; i < 255; i++) assert.notEqual(p.alloc(2048, 0), null);
  assert.equal(p.alloc(2048, 0), null);
  assert.equal(p.slotsInUse, 512);
  p.free(got[10]!);
  assert.equal(p.alloc(2048, 0)!.slot, got[10]!.slot);
  assert.equal(p.peakSlots, 512);
});

test('freeing twice is an error', () => {
  const p = new SwiotlbPool(0, MiB, 1);
  const a = p.alloc(2048)!;
  p.free(a);
  assert.throws(() => p.free(a), /not in use/);
});
