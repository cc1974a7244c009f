import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContextCache, EmulatedIotlb } from './emulated-iotlb';
import { DomainIds } from './domain-ids';

const P = 4096;

test('emulated IOTLB: lookups at each leaf level, domain and page-selective invalidation', () => {
  const t = new EmulatedIotlb(1024);
  t.insert(1, 7, 5 * P + 12, P, 0x9000_0000 + 12);
  t.insert(1, 7, 2 ** 21 * 3 + 100, 2 ** 21, 0x4000_0000 + 100);
  t.insert(2, 8, 5 * P, P, 0x1000);
  assert.equal(t.lookup(1, 5 * P + 40), 0x9000_0000 + 40);
  assert.equal(t.lookup(1, 2 ** 21 * 3 + 5 * P), 0x4000_0000 + 5 * P);
  assert.equal(t.lookup(1, 6 * P), null);
  assert.equal(t.lookup(2, 5 * P), 0x1000);
  t.invalidateRange(7, 4 * P, 6 * P);
  assert.equal(t.lookup(1, 5 * P), null);
  assert.equal(t.lookup(2, 5 * P), 0x1000, 'other domain untouched');
  t.invalidateRange(7, 2 ** 21 * 3 + 8 * P, 2 ** 21 * 3 + 9 * P);
  assert.equal(t.lookup(1, 2 ** 21 * 3), null, 'a PSI inside a 2 MiB entry drops it');
  t.invalidateDomain(8);
  assert.equal(t.size, 0);
});

test('emulated IOTLB: an insert into a full table clears it whole (1024 entries)', () => {
  const t = new EmulatedIotlb(1024);
  for (let i = 0; i < 1024; i++) t.insert(1, 1, i * P, P, i * P);
  assert.equal(t.size, 1024);
  assert.equal(t.resets, 0);
  t.insert(1, 1, 5000 * P, P, 0);
  assert.equal(t.size, 1);
  assert.equal(t.resets, 1);
  assert.equal(t.lookup(1, 0), null);
  assert.throws(() => new EmulatedIotlb(0), /positive/);
});

test('context cache: generations for global/domain, one entry for device invalidation', () => {
  const c = new ContextCache();
  assert.equal(c.hit(1), false);
  c.fill(1);
  c.fill(2);
  assert.equal(c.hit(1), true);
  c.invalidateDevice(1);
  assert.equal(c.hit(1), false);
  assert.equal(c.hit(2), true);
  c.invalidateAll();
  assert.equal(c.hit(2), false);
});

test('domain IDs: 2^(4+2·ND) with ID 0 reserved under caching mode; exhaustion gives null', () => {
  const d = new DomainIds(4, 1);
  assert.equal(d.capacity, 15);
  const got = Array.from({ length: 15 }, () => d.alloc());
  assert.deepEqual(got, Array.from({ length: 15 }, (_, i) => i + 1));
  assert.equal(d.alloc(), null);
  d.free(3);
  assert.equal(d.alloc(), 3);
  assert.throws(() => d.free(99), /not allocated/);
  assert.throws(() => new DomainIds(5, 1), /ND/);
});
