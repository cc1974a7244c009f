import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalog } from '../../engine/catalog';
import { declareMetrics, MetricCatalog } from './names';

test('metric declarations are unique, dotted, documented and have a unit', () => {
  const defs = catalog.metrics.all();
  assert.ok(defs.length > 10);
  for (const d of defs) {
    assert.match(d.name, /^[a-z0-9_]+(\.([a-z0-9_]+|\*))+$/, d.name);
    assert.ok(d.doc.length > 10, `${d.name} needs a one-line meaning`);
    assert.ok(d.unit.length > 0, `${d.name} needs a unit`);
  }
  const a = declareMetrics({ x: { name: 'test.x', kind: 'counter', unit: 'count', doc: 'a test metric' } });
  const b = declareMetrics({ x: { name: 'test.x', kind: 'counter', unit: 'count', doc: 'the same name again' } });
  assert.throws(() => new MetricCatalog([a, b]), /metric test\.x declared twice/);
  assert.throws(() => declareMetrics({ x: { name: 'Test.X', kind: 'counter', unit: 'count', doc: 'bad name' } }), /dotted lower-case/);
});

test('lookup resolves families and histogram summaries', () => {
  const m = catalog.metrics;
  assert.equal(m.lookup('boot.dma_setup_ns.nic0')?.doc.includes('one device'), true);
  assert.equal(m.lookup('map.latency_ns.p99')?.unit, 'ns');
  assert.equal(m.lookup('map.latency_ns.count')?.unit, 'count');
  assert.equal(m.lookup('map.latency_ns.p42'), undefined);
  assert.equal(m.lookup('boot.dma_setup_ns.Bad-Name'), undefined);
  assert.equal(m.lookup('hcalls.h_put_tce')?.unit, 'count', 'a model family (spapr) is in the catalogue');
});
