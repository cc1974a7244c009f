import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allMetricDefs, lookupMetric } from './all';

test('metric declarations are unique, dotted, documented and have a unit', () => {
  const defs = allMetricDefs();
  assert.ok(defs.length > 10);
  for (const d of defs) {
    assert.match(d.name, /^[a-z0-9_]+(\.([a-z0-9_]+|\*))+$/, d.name);
    assert.ok(d.doc.length > 10, `${d.name} needs a one-line meaning`);
    assert.ok(d.unit.length > 0, `${d.name} needs a unit`);
  }
});

test('lookup resolves families and histogram summaries', () => {
  assert.equal(lookupMetric('boot.dma_setup_ns.nic0')?.doc.includes('one device'), true);
  assert.equal(lookupMetric('map.latency_ns.p99')?.unit, 'ns');
  assert.equal(lookupMetric('map.latency_ns.count')?.unit, 'count');
  assert.equal(lookupMetric('map.latency_ns.p42'), undefined);
  assert.equal(lookupMetric('boot.dma_setup_ns.Bad-Name'), undefined);
});
