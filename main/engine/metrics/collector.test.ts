import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CORE_METRICS } from '../../common/metrics/core';
import { MetricValueError } from '../../common/errors';
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

test('NaN and Infinity never leave the collector: an engine bug is an internal error naming the metric', () => {
  const gauge = new Metrics(1000);
  assert.throws(() => gauge.gauge(CORE_METRICS.dmaThroughputGbps, 0 / 0), (e: Error) => e instanceof MetricValueError && /metric dma\.throughput_gbps is NaN/.test(e.message) && /internal error/.test(e.message));
  assert.throws(() => gauge.gaugeMax(CORE_METRICS.opsPerSec, Infinity), /metric ops\.per_sec is Infinity/);
  // A counter accumulates on the hot path unchecked; the result it would poison is refused when collected.
  const counter = new Metrics(1000);
  counter.counter(CORE_METRICS.dmaBytes).inc(-Infinity);
  assert.throws(() => counter.collect(), /metric dma\.bytes is -Infinity/);
  const series = new Metrics(1000);
  series.timeSeries(CORE_METRICS.seriesInflight, 'level').sample(10, NaN);
  assert.throws(() => series.collect(), (e: Error) => e instanceof MetricValueError && e.message.includes(CORE_METRICS.seriesInflight.name));
  // Finite values pass untouched.
  const ok = new Metrics(1000);
  ok.gauge(CORE_METRICS.dmaThroughputGbps, 1.5);
  assert.equal(ok.collect().scalars['dma.throughput_gbps'], 1.5);
});
