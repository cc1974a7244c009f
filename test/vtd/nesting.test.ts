// Done-when 5 (issue 11): three-layer nesting. An L2 guest's map travels trap → walk → ioctl
// into L1, whose own vIOMMU shadows it in turn: trap → walk → ioctl into L0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runSpec } from './support';

const spec = JSON.parse(readFileSync(new URL('../../resources/examples/vtd-nested.json', import.meta.url), 'utf8')) as unknown[];

test('an L2 map costs at least two traps, two walks and two ioctls', () => {
  const nested = runSpec(spec[0]).scalars;
  const maps = nested['map.ops']!;
  assert.ok(maps > 0);
  assert.ok(nested['exits.mmio']! >= 2 * maps, `exits ${nested['exits.mmio']} for ${maps} maps`);
  assert.ok(nested['vtd.walks']! >= 2 * maps);
  assert.ok(nested['vfio.map_ioctls']! >= 2 * maps);
  assert.equal(nested['faults.dma'] ?? 0, 0, 'the device reaches its buffers through all three layers');
});

test('the same workload in a single-layer guest: one trap, one walk, one ioctl per map', () => {
  const flat = runSpec(spec[1]).scalars;
  const maps = flat['map.ops']!;
  assert.ok(flat['vfio.map_ioctls']! < 2 * maps);
  assert.ok(flat['exits.mmio']! < 2 * (maps + flat['unmap.ops']!) + 4);
});
