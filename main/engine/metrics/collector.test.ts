import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CORE_METRICS } from '../../common/metrics/core';
import { Metrics } from './collector';

test('metrics are recorded through declared handles; a family member must be a lower-case segment', () => {
  const m = new Metrics(1000);
  m.counter(CORE_METRICS.dmaBytes).inc(5);
  m.gauge(CORE_METRICS.bootDmaSetupNsOf.of('nic0'), 7);
  assert.throws(() => m.gauge(CORE_METRICS.bootDmaSetupNsOf.of('NIC-0'), 7), /must be lower-case/);
  // @ts-expect-error a counter is not a histogram: the kinds are part of the handle's type
  assert.ok(() => m.histogram(CORE_METRICS.dmaBytes));
  // @ts-expect-error names are handles, not strings
  assert.ok(() => m.counter('dma.bytes'));
  assert.deepEqual(m.collect().scalars, { 'boot.dma_setup_ns.nic0': 7, 'dma.bytes': 5 });
});

test('histograms expand into summary scalars, and keys come out sorted', () => {
  const m = new Metrics(1000);
  const h = m.histogram(CORE_METRICS.mapLatencyNs);
  [100, 200, 300].forEach((v) => h.record(v));
  m.counter(CORE_METRICS.mapOps).inc(3);
  const { scalars } = m.collect();
  assert.deepEqual(Object.keys(scalars), [...Object.keys(scalars)].sort());
  assert.equal(scalars['map.latency_ns.count'], 3);
  assert.equal(scalars['map.latency_ns.mean'], 200);
  assert.equal(scalars['map.latency_ns.max'], 300);
  assert.ok(Math.abs(scalars['map.latency_ns.p50']! - 200) <= 1);
});
