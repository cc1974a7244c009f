import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machinePageMask, pageMaskFromSizes, PhbWindows, toLoparMask, type PhbConfig } from '../../main/engine/models/spapr/ddw';
import { largestPageShift, orderBase2, planDdw } from '../../main/engine/models/spapr/ddw-policy';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

function cfg(over: Partial<PhbConfig> = {}): PhbConfig {
  return {
    defaultWindowBytes: GiB,
    defaultPageShift: 12,
    ddw: true,
    pageMask: machinePageMask('4.2'),
    maxWindows: 2,
    largestBlock: 0x80000000,
    dma64Addr: 2 ** 59,
    levels: 1,
    levelMinBytes: 4096,
    ...over,
  };
}

test('page-size mask by machine version: 4K/64K before 4.2, plus 2M and 16M from 4.2', () => {
  assert.equal(machinePageMask('4.1'), 4096 + 65536);
  assert.equal(machinePageMask('4.2'), 4096 + 65536 + 2 * MiB + 16 * MiB);
  assert.equal(machinePageMask('7.0'), machinePageMask('4.2'));
  assert.equal(machinePageMask('3.1'), 4096 + 65536);
});

test('LoPAR query bits: 4K=0x1, 64K=0x2, 16M=0x4, 2M=0x100 (out of order); no 1G bit', () => {
  assert.equal(toLoparMask(machinePageMask('4.2')), 0x1 | 0x2 | 0x4 | 0x100);
  assert.equal(toLoparMask(pageMaskFromSizes([GiB])), 0);
  assert.equal(largestPageShift(0x1 | 0x2 | 0x100), 21);
  assert.equal(largestPageShift(0x1 | 0x4 | 0x100), 24);
  assert.equal(largestPageShift(0), 0);
});

test('the PHB starts with the default window on its first LIOBN at bus address 0', () => {
  const p = new PhbWindows(cfg());
  const w = p.defaultWindow()!;
  assert.equal(w.busOffset, 0);
  assert.equal(w.table.entries, 262144);
  assert.equal(p.activeWindows, 1);
  assert.deepEqual(p.query(), { rc: 'success', windowsAvailable: 1, largestBlock: 0x80000000, pageSizes: 0x107 });
});

test('create: second window at the 64-bit address; then no window is free', () => {
  const p = new PhbWindows(cfg());
  const r = p.create(24, 35);
  assert.equal(r.rc, 'success');
  assert.equal(r.window!.busOffset, 2 ** 59);
  assert.equal(r.window!.table.entries, 2048);
  assert.equal(p.query().windowsAvailable, 0);
  assert.equal(p.create(24, 35).rc, 'hw_error', 'at most 2 windows per PHB');
});

test('create: page size not in the mask, or window smaller than a page → param error', () => {
  const p = new PhbWindows(cfg({ pageMask: machinePageMask('4.1') }));
  assert.equal(p.create(24, 35).rc, 'param_error');
  assert.equal(p.create(16, 12).rc, 'param_error');
});

test('remove the default window, then create takes its LIOBN at bus address 0; reset restores it', () => {
  const p = new PhbWindows(cfg({ maxWindows: 1 }));
  assert.equal(p.query().windowsAvailable, 0);
  assert.equal(p.remove(p.defaultLiobn), 'success');
  assert.equal(p.remove(p.defaultLiobn), 'param_error', 'removing twice');
  const r = p.create(16, 33);
  assert.equal(r.window!.liobn, p.defaultLiobn);
  assert.equal(r.window!.busOffset, 0);
  assert.equal(p.reset(), 'success');
  assert.equal(p.defaultWindow()!.table.pageSize, 4096);
  assert.equal(p.activeWindows, 1);
});

test('DDW off: every RTAS call fails with a parameter error', () => {
  const p = new PhbWindows(cfg({ ddw: false }));
  assert.equal(p.query().rc, 'param_error');
  assert.equal(p.create(16, 33).rc, 'param_error');
  assert.equal(p.reset(), 'param_error');
});

test('Linux policy: largest page, window = RAM rounded up to a power of two, direct when it fits', () => {
  const q = new PhbWindows(cfg()).query();
  assert.deepEqual(planDdw(q, 32 * GiB), { ok: true, pageShift: 24, windowShift: 35, direct: true });
  assert.deepEqual(planDdw(q, 24 * GiB), { ok: true, pageShift: 24, windowShift: 35, direct: true }, 'hot-plug max 24 GiB → 32 GiB window');
  const old = new PhbWindows(cfg({ pageMask: machinePageMask('4.1') })).query();
  assert.deepEqual(planDdw(old, 32 * GiB), { ok: true, pageShift: 16, windowShift: 35, direct: true });
});

test('Linux policy: a largest block too small for all RAM gives a dynamic window of the block size', () => {
  const q = new PhbWindows(cfg({ largestBlock: 256 })).query();
  assert.deepEqual(planDdw(q, 8 * GiB), { ok: true, pageShift: 24, windowShift: 32, direct: false });
});

test('Linux policy: no free window or no usable page size fails', () => {
  const full = new PhbWindows(cfg({ maxWindows: 1 })).query();
  assert.equal(planDdw(full, GiB).ok, false);
  const none = new PhbWindows(cfg({ pageMask: pageMaskFromSizes([GiB]) })).query();
  assert.equal(planDdw(none, GiB).ok, false);
  assert.equal(orderBase2(1), 0);
  assert.equal(orderBase2(3 * GiB), 32);
});

test('a 64-bit window address not aligned to the requested page size fails the create', () => {
  const w = new PhbWindows(cfg({ dma64Addr: 2 ** 59 + 4096 }));
  assert.equal(w.create(16, 30).rc, 'param_error');
  assert.equal(w.create(12, 30).rc, 'success');
});
