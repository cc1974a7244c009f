// Done-when 3 (issue 11): who invalidates when. With caching mode the guest invalidates on map
// and on unmap (and is forced strict); without it, strict mode invalidates only on unmap; lazy
// mode replaces the per-page invalidations by domain flushes from the flush queue. Asserted as
// inequalities between the three runs of resources/examples/vtd-cm-strict-lazy.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runSpec } from './support';

const specs = JSON.parse(readFileSync(new URL('../../resources/examples/vtd-cm-strict-lazy.json', import.meta.url), 'utf8')) as { point: { config: string } }[];
const r = Object.fromEntries(specs.map((s) => [s.point.config, runSpec(s).scalars])) as Record<'cm' | 'strict' | 'lazy', Record<string, number>>;
const n = (s: Record<string, number>, k: string) => s[k] ?? 0;

test('CM=1: a PSI per map and per unmap, each its own exit', () => {
  const s = r.cm;
  assert.ok(n(s, 'vtd.desc.iotlb_psi') >= n(s, 'map.ops') + n(s, 'unmap.ops'));
  assert.ok(n(s, 'exits.mmio') >= n(s, 'map.ops') + n(s, 'unmap.ops'));
});

test('no CM, strict: PSIs only on unmap, none on map', () => {
  const s = r.strict;
  assert.ok(n(s, 'vtd.desc.iotlb_psi') >= n(s, 'unmap.ops'));
  assert.ok(n(s, 'vtd.desc.iotlb_psi') < n(s, 'map.ops') + n(s, 'unmap.ops'));
  assert.ok(n(s, 'exits.mmio') < n(r.cm, 'exits.mmio'));
});

test('no CM, lazy: no per-page invalidations, a few domain flushes from the flush queue', () => {
  const s = r.lazy;
  assert.equal(n(s, 'vtd.desc.iotlb_psi'), 0);
  assert.ok(n(s, 'vtd.desc.iotlb_dsi') > 0);
  assert.ok(n(s, 'vtd.desc.iotlb_dsi') * 16 < n(s, 'unmap.ops'));
  assert.ok(n(s, 'exits.mmio') < n(r.strict, 'exits.mmio'));
  assert.ok(n(s, 'iommu.fq_flushes') > 0);
});
