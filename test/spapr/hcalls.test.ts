import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hGetTce, hPutTce, hPutTceIndirect, hStuffTce, LiobnTable, type GuestMemory } from '../../main/engine/models/spapr/hcalls';
import { TceTable, tceValue, TCE_READ, TCE_WRITE } from '../../main/engine/models/spapr/tce-table';

const RAM = 2 ** 30;
const LIOBN = 0x80000000;

function setup(): { liobns: LiobnTable; mem: GuestMemory & { lists: Map<number, number[]> }; table: TceTable } {
  const liobns = new LiobnTable();
  const table = new TceTable(12, 1024);
  liobns.add({ liobn: LIOBN, busOffset: 0, busPfn: 0, pageShift: 12, table });
  const lists = new Map<number, number[]>();
  const mem = { ramBytes: RAM, lists, readTceList: (addr: number, n: number) => (lists.get(addr) ?? []).slice(0, n) };
  return { liobns, mem, table };
}

const rw = (gpa: number): number => tceValue(gpa, TCE_READ | TCE_WRITE);

test('H_PUT_TCE writes one entry', () => {
  const { liobns, mem, table } = setup();
  assert.deepEqual(hPutTce(liobns, mem, LIOBN, 5 * 4096, rw(0x10000)), { rc: 'h_success', tces: 1 });
  assert.equal(table.get(5), rw(0x10000));
});

test('check: unknown LIOBN → H_PARAMETER', () => {
  const { liobns, mem } = setup();
  const r = hPutTce(liobns, mem, LIOBN + 1, 0, rw(0));
  assert.equal(r.rc, 'h_parameter');
  assert.match(r.reason!, /LIOBN/);
});

test('check: IOBA not aligned to the window page → H_PARAMETER', () => {
  const { liobns, mem, table } = setup();
  const r = hPutTce(liobns, mem, LIOBN, 4096 + 8, rw(0));
  assert.equal(r.rc, 'h_parameter');
  assert.match(r.reason!, /aligned/);
  assert.equal(table.validCount, 0);
});

test('check: IOBA outside the window → H_PARAMETER', () => {
  const { liobns, mem } = setup();
  const r = hPutTce(liobns, mem, LIOBN, 1024 * 4096, rw(0));
  assert.equal(r.rc, 'h_parameter');
  assert.match(r.reason!, /outside the window/);
});

test('check: TCE pointing outside guest RAM → H_PARAMETER', () => {
  const { liobns, mem } = setup();
  const r = hPutTce(liobns, mem, LIOBN, 0, rw(RAM));
  assert.equal(r.rc, 'h_parameter');
  assert.match(r.reason!, /outside guest RAM/);
});

test('H_PUT_TCE_INDIRECT writes up to 512 entries from the list page', () => {
  const { liobns, mem, table } = setup();
  mem.lists.set(0x200000, Array.from({ length: 512 }, (_, i) => rw(i * 4096)));
  assert.deepEqual(hPutTceIndirect(liobns, mem, LIOBN, 512 * 4096, 0x200000, 512), { rc: 'h_success', tces: 512 });
  assert.equal(table.validCount, 512);
  assert.equal(table.get(1023), rw(511 * 4096));
});

test('check: H_PUT_TCE_INDIRECT with more than 512 TCEs → H_PARAMETER', () => {
  const { liobns, mem, table } = setup();
  mem.lists.set(0x200000, Array.from({ length: 513 }, () => rw(0)));
  const r = hPutTceIndirect(liobns, mem, LIOBN, 0, 0x200000, 513);
  assert.equal(r.rc, 'h_parameter');
  assert.match(r.reason!, /npages/);
  assert.equal(table.validCount, 0);
});

test('check: H_PUT_TCE_INDIRECT list page not 4 KiB aligned → H_PARAMETER', () => {
  const { liobns, mem } = setup();
  mem.lists.set(0x200800, [rw(0)]);
  const r = hPutTceIndirect(liobns, mem, LIOBN, 0, 0x200800, 1);
  assert.equal(r.rc, 'h_parameter');
  assert.match(r.reason!, /4 KiB aligned/);
});

test('check: H_PUT_TCE_INDIRECT range running past the window → H_PARAMETER, nothing written', () => {
  const { liobns, mem, table } = setup();
  mem.lists.set(0x200000, Array.from({ length: 8 }, () => rw(0)));
  const r = hPutTceIndirect(liobns, mem, LIOBN, 1020 * 4096, 0x200000, 8);
  assert.equal(r.rc, 'h_parameter');
  assert.equal(table.validCount, 0);
});

test('check: H_PUT_TCE_INDIRECT with one bad TCE in the list writes none', () => {
  const { liobns, mem, table } = setup();
  mem.lists.set(0x200000, [rw(0), rw(RAM + 4096), rw(8192)]);
  const r = hPutTceIndirect(liobns, mem, LIOBN, 0, 0x200000, 3);
  assert.equal(r.rc, 'h_parameter');
  assert.equal(table.validCount, 0);
});

test('H_STUFF_TCE clears a range', () => {
  const { liobns, mem, table } = setup();
  for (let i = 0; i < 16; i++) hPutTce(liobns, mem, LIOBN, i * 4096, rw(i * 4096));
  assert.deepEqual(hStuffTce(liobns, LIOBN, 4 * 4096, 0, 8), { rc: 'h_success', tces: 8 });
  assert.equal(table.validCount, 8);
});

test('check: H_STUFF_TCE with permission bits → H_PARAMETER', () => {
  const { liobns } = setup();
  const r = hStuffTce(liobns, LIOBN, 0, TCE_READ, 4);
  assert.equal(r.rc, 'h_parameter');
  assert.match(r.reason!, /permission/);
});

test('check: H_STUFF_TCE past the window end → H_PARAMETER', () => {
  const { liobns } = setup();
  assert.equal(hStuffTce(liobns, LIOBN, 1000 * 4096, 0, 512).rc, 'h_parameter');
});

test('H_GET_TCE reads an entry; out of window → H_PARAMETER', () => {
  const { liobns, mem } = setup();
  hPutTce(liobns, mem, LIOBN, 3 * 4096, rw(0x3000));
  assert.equal(hGetTce(liobns, LIOBN, 3 * 4096).value, rw(0x3000));
  assert.equal(hGetTce(liobns, LIOBN, 4096 * 4096).rc, 'h_parameter');
});

test('a LIOBN removed and added again with a new window: calls reach the new window, and none reaches the removed one', () => {
  const { liobns, mem, table } = setup();
  assert.equal(hPutTce(liobns, mem, LIOBN, 3 * 4096, rw(0x3000)).rc, 'h_success');
  liobns.remove(LIOBN);
  const gone = hPutTce(liobns, mem, LIOBN, 4 * 4096, rw(0x4000));
  assert.equal(gone.rc, 'h_parameter');
  assert.match(gone.reason!, /LIOBN/);
  const fresh = new TceTable(12, 1024);
  liobns.add({ liobn: LIOBN, busOffset: 0, busPfn: 0, pageShift: 12, table: fresh });
  assert.equal(hPutTce(liobns, mem, LIOBN, 5 * 4096, rw(0x5000)).rc, 'h_success');
  assert.equal(fresh.get(5), rw(0x5000));
  assert.equal(table.get(5), 0);
  assert.equal(table.get(3), rw(0x3000));
});
