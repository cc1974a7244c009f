import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BusyOverlap } from './busy-overlap';

test('overlap counts only the time two or more queues are consumed at once', () => {
  const o = new BusyOverlap();
  o.begin(10); // queue A 10..50
  o.begin(30); // queue B 30..70
  o.end(50);
  o.end(70);
  o.begin(100); // queue A alone 100..120
  o.end(120);
  assert.equal(o.busyNs, 60 + 20);
  assert.equal(o.overlapNs, 20);
  assert.throws(() => o.end(130), /end without begin/);
  assert.throws(() => o.begin(5), /time went back/);
});
