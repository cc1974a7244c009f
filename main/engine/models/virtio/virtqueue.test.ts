import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needEvent, ringBytes, SplitVirtqueue } from './virtqueue';

const buf = (pfn: number, write = false) => ({ pfn, off: 0, bytes: 4096, write });

test('ring memory: descriptors, avail and used rings with the used ring page-aligned', () => {
  assert.deepEqual(ringBytes(256), { desc: 4096, avail: 518, used: 2054, total: 8192 + 2054 });
});

test('direct chains take one slot per buffer; indirect ones take one slot for the whole table', () => {
  const direct = new SplitVirtqueue(8, false, false);
  assert.ok(direct.add([buf(0), buf(1), buf(2)], 'a'));
  assert.equal(direct.free, 5);
  assert.equal(direct.indirectBytes(3), 0);
  const ind = new SplitVirtqueue(8, true, false);
  assert.equal(ind.indirectBytes(3), 48);
  assert.equal(ind.indirectBytes(1), 0, 'a single buffer never goes indirect');
  assert.ok(ind.add([buf(0), buf(1), buf(2)], 'a'));
  assert.equal(ind.free, 7);
  // A full ring refuses the chain (-ENOSPC) and frees the slots when the chain comes back.
  assert.ok(direct.add([buf(3), buf(4), buf(5)], 'b'));
  assert.equal(direct.add([buf(6), buf(7), buf(8)], 'c'), null, 'three buffers do not fit two free slots');
  const c = direct.pop()!;
  assert.equal(c.token, 'a');
  direct.pushUsed(c);
  direct.getBuf(c);
  assert.equal(direct.free, 5);
});

test('event suppression: no kick while the device has notifications off, and interrupts likewise', () => {
  for (const eventIdx of [false, true]) {
    const vq = new SplitVirtqueue(16, false, eventIdx);
    vq.add([buf(0)], 1);
    assert.equal(vq.kickPrepare(), true, `first add kicks (event idx ${eventIdx})`);
    assert.equal(vq.kickPrepare(), false, 'nothing new: no kick');
    vq.deviceNotify(false);
    const c1 = vq.pop()!;
    vq.add([buf(1)], 2);
    assert.equal(vq.kickPrepare(), false, 'device is draining: suppressed');
    const c2 = vq.pop()!;
    vq.deviceNotify(true);
    assert.equal(vq.hasAvail(), false);
    vq.add([buf(2)], 3);
    assert.equal(vq.kickPrepare(), true, 'notifications back on: kick');
    vq.pushUsed(c1);
    assert.equal(vq.interruptPrepare(), true);
    vq.driverInterrupt(false);
    vq.pushUsed(c2);
    assert.equal(vq.interruptPrepare(), false, 'driver is draining: no interrupt');
  }
});

test('vring_need_event wraps at 16 bits', () => {
  assert.equal(needEvent(0xffff, 0, 0xffff), true);
  assert.equal(needEvent(5, 7, 6), false);
  assert.equal(needEvent(6, 7, 6), true);
});
