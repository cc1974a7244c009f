import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnsafeWindow } from './unsafe-window';
import { VfioContainer } from './vfio-container';
import { VhostIotlb } from './vhost-iotlb';

const P = 4096;

test('VFIO container: dma_entry_limit gives ENOSPC, overlaps EEXIST, lookups follow the records', () => {
  const w = new UnsafeWindow();
  const c = new VfioContainer(3, w, () => true);
  assert.equal(c.map(0, P, 0x1000, 0), 'ok');
  assert.equal(c.map(0, P, 0x1000, 0), 'eexist');
  assert.equal(c.map(P, P, 0x2000, 0), 'ok');
  assert.equal(c.map(2 * P, P, 0x3000, 0), 'ok');
  assert.equal(c.map(3 * P, P, 0x4000, 0), 'enospc');
  assert.equal(c.entries, 3);
  assert.equal(c.lookup(P + 8), true);
  assert.equal(c.lookup(3 * P), false);
  assert.deepEqual(c.unmap(0, 2 ** 48, 10), { entries: 3, bytes: 3 * P });
  assert.equal(c.lookup(0), false);
  assert.throws(() => new VfioContainer(0, w, () => true), /dma_entry_limit/);
});

test('unsafe window: removed records of still-mapped IOVAs open gaps that re-MAP closes; union and longest', () => {
  const w = new UnsafeWindow();
  const mapped = new Set([0, P]);
  const c = new VfioContainer(100, w, (iova) => mapped.has(iova));
  c.map(0, P, 0, 0);
  c.map(P, P, 0, 0);
  c.map(2 * P, P, 0, 0);
  c.unmap(0, 3 * P, 100); // 2*P is no longer guest-mapped: no gap for it
  assert.equal(w.open, 2);
  c.map(0, P, 0, 150);
  assert.equal(w.totalNs, 0);
  c.guestUnmapped(P, P, P, 400);
  assert.equal(w.open, 0);
  assert.equal(w.totalNs, 300);
  assert.equal(w.longestNs, 300);
  assert.equal(w.gaps, 2);
  w.openGap('x:7', 1000);
  w.closeAll(1010);
  assert.equal(w.totalNs, 310);
});

test('vhost IOTLB: the oldest entry is retired at the limit; range invalidation', () => {
  const t = new VhostIotlb(2);
  t.update(1, 10);
  t.update(2, 20);
  t.update(3, 30);
  assert.equal(t.lookup(1), false);
  assert.equal(t.retired, 1);
  assert.equal(t.invalidate(0, 2 ** 40), 2);
  assert.equal(t.size, 0);
  t.update(5, 0);
  assert.equal(t.invalidate(5, 1), 1);
});
