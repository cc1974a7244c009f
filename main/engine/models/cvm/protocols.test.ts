import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptOps, mapGpaRoundTrips, pscEntries, pscPlan } from './protocols';
import { AcceptBitmap } from '../../mem/accept-bitmap';

const PAGES_PER_GIB = 262144;

test('TDX MapGPA of 1 GiB makes 512 VMM round trips (2 MiB chunks) (Done-when 3)', () => {
  assert.equal(mapGpaRoundTrips(PAGES_PER_GIB), 512);
  assert.equal(mapGpaRoundTrips(1), 1);
  assert.equal(mapGpaRoundTrips(513), 2);
});

test('SNP PSC of 1 GiB at 4 KiB makes ceil(262144 / 64) requests; at 2 MiB, 8 (Done-when 3)', () => {
  const small = pscPlan(0, PAGES_PER_GIB, false, 64);
  assert.equal(small.entries, 262144);
  assert.equal(small.requests, Math.ceil(262144 / 64));
  assert.equal(small.requests, 4096);
  const large = pscPlan(0, PAGES_PER_GIB, true, 64);
  assert.equal(large.entries, 512);
  assert.equal(large.entries2m, 512);
  assert.equal(large.requests, 8);
});

test('PSC entries: 2 MiB only where aligned; the counting plan agrees with the entry list', () => {
  const cases: [number, number, boolean][] = [
    [3, 1500, true],
    [0, 512, true],
    [511, 1025, true],
    [0, 100, false],
    [1000, 5000, true],
  ];
  for (const [a, b, large] of cases) {
    const list = [...pscEntries(a, b, large)];
    assert.equal(list.reduce((s, e) => s + e.pages, 0), b - a);
    const plan = pscPlan(a, b, large, 64);
    assert.equal(plan.entries, list.length, `[${a}, ${b})`);
    assert.equal(plan.entries2m, list.filter((e) => e.pages === 512).length);
    for (const e of list) if (e.pages === 512) assert.equal(e.page % 512, 0);
  }
  assert.throws(() => pscPlan(0, 1, false, 0), /positive/);
});

test('accept: 2 MiB per region when the host maps it huge, 1 + 512 ops (failed try + 4 KiB) otherwise', () => {
  assert.deepEqual(acceptOps(0, 1024, () => true), { ops: 2, fallbacks: 0 });
  assert.deepEqual(acceptOps(0, 1024, () => false), { ops: 2 * 513, fallbacks: 2 });
  assert.deepEqual(acceptOps(10, 20, () => true), { ops: 10, fallbacks: 0 }, 'unaligned pieces are 4 KiB');
});

test('accept bitmap: one bit per 2 MiB unit, take() returns each unaccepted run once', () => {
  const b = new AcceptBitmap(64 * 512);
  assert.equal(b.units, 64);
  assert.equal(b.bytes, 8);
  assert.deepEqual(b.take(0, 1), [[0, 1]]);
  assert.deepEqual(b.take(0, 1), []);
  assert.deepEqual(b.take(100, 3 * 512 + 1), [[1, 4]]);
  assert.equal(b.unacceptedUnits, 60);
  assert.deepEqual(b.take(0, 64 * 512), [[4, 64]]);
  assert.equal(b.unacceptedUnits, 0);
  assert.throws(() => b.take(0, 64 * 512 + 1), /outside/);
  const tib = new AcceptBitmap(2 ** 28);
  assert.equal(tib.bytes, 65536, 'a 1 TiB guest: 64 KiB of bitmap');
});
