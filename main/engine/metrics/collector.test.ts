import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from './collector';

test('undeclared or mis-kinded metric names fail loudly', () => {
  const m = new Metrics(1000);
  assert.throws(() => m.counter('no.such.metric'), /not declared/);
  assert.throws(() => m.histogram('dma.bytes'), /declared as a counter/);
  m.counter('dma.bytes').inc(5);
  m.gauge('boot.dma_setup_ns.nic0', 7);
  assert.throws(() => m.gauge('boot.dma_setup_ns.NIC-0', 7), /not declared/);
});

test('histograms expand into summary scalars, and keys come out sorted', () => {
  const m = new Metrics(1000);
  const h = m.histogram('map.latency_ns');
  [100, 200, 300].forEach((v) => h.record(v));
  m.counter('map.ops').inc(3);
  const { scalars } = m.collect();
  assert.deepEqual(Object.keys(scalars), [...Object.keys(scalars)].sort());
  assert.equal(scalars['map.latency_ns.count'], 3);
  assert.equal(scalars['map.latency_ns.mean'], 200);
  assert.equal(scalars['map.latency_ns.max'], 300);
  assert.ok(Math.abs(scalars['map.latency_ns.p50']! - 200) <= 1);
});
