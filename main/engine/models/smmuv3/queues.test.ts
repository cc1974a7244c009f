import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandQueue } from './cmdq';
import { Cmdqv } from './cmdqv/cmdqv';
import { IdAllocator } from './id-allocator';
import { StreamTable } from './stream-table';
import { TranslationCaches, s1Tag, s2Tag } from './translation-caches';
import type { Command } from './commands';

const sync: Command = { op: 'CMD_SYNC' };

test('a command queue has finite space: a batch that does not fit is refused whole', () => {
  const q = new CommandQueue('cmdq', 3);
  assert.equal(q.capacity, 8);
  assert.equal(q.bytes, 128);
  assert.equal(q.push(Array.from({ length: 6 }, () => sync)), true);
  assert.equal(q.push([sync, sync, sync]), false);
  assert.equal(q.pending, 6);
  assert.equal(q.consume(4).length, 4);
  assert.equal(q.push([sync, sync, sync]), true);
  assert.equal(q.free, 3);
});

test('a command queue keeps FIFO order across ring wrap-around and growth up to its capacity', () => {
  const q = new CommandQueue('cmdq', 8);
  const ref: Command[] = [];
  let n = 0;
  const make = (k: number): Command[] => Array.from({ length: k }, () => ({ op: 'TLBI_NH_VA', addr: n++ }));
  // Pushes outgrow the initial ring while consumption moves CONS round it.
  for (const [push, take] of [[40, 30], [50, 10], [60, 70], [100, 20], [120, 100], [3, 0], [90, 250]] as const) {
    const cmds = make(push);
    assert.equal(q.push(cmds), ref.length + push <= 256);
    if (ref.length + push <= 256) ref.push(...cmds);
    assert.deepEqual(q.consume(take).map((c) => c.addr), ref.splice(0, take).map((c) => c.addr));
    assert.equal(q.pending, ref.length);
  }
});

test('an illegal command stalls the queue until acknowledged, then it is skipped', () => {
  const q = new CommandQueue('cmdq', 4, (c) => (c.op === 'PRI_RESP' ? 'ILL' : null));
  q.push([{ op: 'TLBI_NH_ASID', vmid: 1, asid: 2 }, { op: 'PRI_RESP', sid: 3 }, { op: 'TLBI_NH_ALL', vmid: 1 }, sync]);
  assert.deepEqual(q.consume().map((c) => c.op), ['TLBI_NH_ASID']);
  assert.equal(q.error?.code, 'ILL');
  assert.equal(q.consume().length, 0, 'stalled: nothing more is consumed');
  assert.equal(q.acknowledge()?.cmd.op, 'PRI_RESP');
  assert.deepEqual(q.consume().map((c) => c.op), ['CMD_SYNC', 'TLBI_NH_ALL', 'CMD_SYNC']);
});

test('VMIDs and ASIDs are allocated per instance and run out at 2^bits − 1', () => {
  const a = new IdAllocator('smmu0 VMID', 8);
  const b = new IdAllocator('smmu1 VMID', 8);
  for (let i = 1; i <= 255; i++) assert.equal(a.alloc(), i);
  assert.equal(a.alloc(), null);
  assert.equal(b.alloc(), 1, 'another instance has its own namespace');
  a.free(17);
  assert.equal(a.alloc(), 17);
  assert.throws(() => new IdAllocator('x', 12), /8 or 16/);
});

test('stream table bytes: linear covers every SID, 2-level only the leaves touched', () => {
  const lin = new StreamTable<number>('linear', 8);
  assert.equal(lin.bytes, 256 * 64);
  const two = new StreamTable<number>('2-level', 16);
  assert.equal(two.bytes, 256 * 8);
  two.install(5, 1);
  two.install(200, 1);
  two.install(0x1234, 1);
  assert.equal(two.bytes, 256 * 8 + 2 * 256 * 64);
  assert.throws(() => lin.install(256, 1), /outside/);
});

test('invalidations act only on their tags', () => {
  const c = new TranslationCaches(64, 64);
  c.iotlb.set(s1Tag(1, 1), 10, 0xa000);
  c.iotlb.set(s1Tag(1, 1), 11, 0xb000);
  c.iotlb.set(s1Tag(1, 2), 10, 0xc000);
  c.iotlb.set(s1Tag(2, 1), 10, 0xd000);
  c.iotlb.set(s2Tag(1), 99, 0xe000);
  assert.equal(c.apply({ op: 'TLBI_NH_VA', vmid: 1, asid: 1, addr: 10 * 4096, size: 4096 }), 1);
  assert.equal(c.apply({ op: 'TLBI_NH_VAA', vmid: 1, addr: 10 * 4096, size: 8192 }), 2);
  assert.equal(c.iotlb.size, 2);
  assert.equal(c.apply({ op: 'TLBI_NH_ALL', vmid: 1 }), 0, 'NH_ALL leaves stage-2 entries and other VMIDs');
  assert.equal(c.apply({ op: 'TLBI_S2_IPA', vmid: 1, addr: 99 * 4096 }), 1);
  assert.equal(c.apply({ op: 'TLBI_S12_VMALL', vmid: 2 }), 1);
  assert.equal(c.iotlb.size, 0);
  for (let p = 0; p < 200; p++) c.iotlb.set(s1Tag(3, 3), p, p);
  assert.equal(c.iotlb.size, 64, 'LRU capacity');
  assert.equal(c.apply({ op: 'TLBI_NH_VA', vmid: 3, asid: 3, addr: 150 * 4096, size: 100 * 4096 }), 50);
});

test('Tegra241 CMDQV: VINTF0 is the host\'s, VMs get the others until none is left', () => {
  const hw = new Cmdqv(4, 8, 16, 19);
  assert.equal(hw.host.index, 0);
  assert.equal(hw.allocVintf('vm0', 5)?.index, 1);
  assert.equal(hw.allocVintf('vm1', 6)?.index, 2);
  assert.equal(hw.allocVintf('vm2', 7)?.index, 3);
  assert.equal(hw.allocVintf('vm3', 8), null);
  assert.equal(hw.vintfsInUse, 4);
});

test('a guest VCMDQ executes allowed commands with VMID and SID substituted; an illegal one stalls it and sets both error maps', () => {
  const hw = new Cmdqv(2, 2, 16, 19);
  const vintf = hw.allocVintf('vm0', 42)!;
  assert.equal(vintf.mapSid(0, 0x812), true);
  const q = vintf.allocQueue(8)!;
  q.push([
    { op: 'TLBI_NH_VA', vmid: 0, asid: 3, addr: 0x1000 },
    { op: 'ATC_INV', sid: 0, addr: 0, size: 0 },
    sync,
    { op: 'CFGI_STE', sid: 0 },
    { op: 'TLBI_NH_ASID', asid: 3 },
  ]);
  const done = q.consumeSubstituted();
  assert.deepEqual(done.map((c) => [c.op, c.vmid, c.sid]), [
    ['TLBI_NH_VA', 42, undefined],
    ['ATC_INV', 42, 0x812],
    ['CMD_SYNC', undefined, undefined],
  ]);
  assert.equal(q.error?.code, 'ILL');
  assert.ok(hw.vintfErrMap.has(vintf.index));
  assert.ok(vintf.lvcmdqErrMap.has(0));
  q.acknowledge();
  assert.equal(hw.vintfErrMap.size, 0);
  assert.deepEqual(q.consumeSubstituted().map((c) => c.op), ['CMD_SYNC', 'TLBI_NH_ASID']);
  assert.equal(vintf.allocQueue(8) !== null, true);
  assert.equal(vintf.allocQueue(8), null, 'only 2 VCMDQs in this CMDQV');
});

test('consuming into a list the consumer owns: the list is emptied first, then holds exactly what was consumed', () => {
  const q = new CommandQueue('cmdq', 4);
  const tlbi = (addr: number): Command => ({ op: 'TLBI_NH_VA', vmid: 1, asid: 1, addr, size: 4096 });
  const mine: Command[] = [tlbi(0xdead000), tlbi(0xbeef000), sync];
  q.push([tlbi(0x1000), tlbi(0x2000), sync]);
  assert.equal(q.consume(2, mine), mine);
  assert.deepEqual(mine.map((c) => c.addr), [0x1000, 0x2000]);
  q.push([tlbi(0x3000)]);
  assert.deepEqual(q.consume(Infinity, mine).map((c) => c.op), ['CMD_SYNC', 'TLBI_NH_VA']);
  assert.equal(mine.length, 2);
  assert.equal(q.consume(Infinity, mine).length, 0, 'an empty queue leaves the list empty');
});
