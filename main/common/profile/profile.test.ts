import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProfileFiles } from '../../api/profiles';
import { catalog } from '../../engine/catalog';
import { resolveProfile, ProfileError } from './profile';

const files = loadProfileFiles();

test('every shipped profile resolves, and every value has a source', () => {
  assert.ok(files.size >= 2);
  for (const id of files.keys()) {
    const p = resolveProfile(catalog.params, files, id);
    for (const def of catalog.params.all()) {
      const v = p.params[def.name];
      assert.ok(v !== undefined, `${id}: ${def.name} has no value`);
      assert.ok(v.source.length >= 3, `${id}: ${def.name} has no source`);
      assert.ok(/^(estimate|measured|derived|constant)\b/.test(v.source), `${id}: ${def.name}: source must say measured, derived, constant or estimate: "${v.source}"`);
    }
  }
});

test('machine profiles override base values, and overrides win over both', () => {
  const arm = resolveProfile(catalog.params, files, 'kvm-arm64-kunpeng920', { 'vfio.pin_ns_per_page': 700 });
  assert.deepEqual(arm.chain, ['base', 'kvm-arm64-kunpeng920']);
  assert.equal(arm.params['vmexit.mmio_user_ns']!.value, 2306);
  assert.equal(arm.params['vmexit.mmio_user_ns']!.from, 'kvm-arm64-kunpeng920');
  assert.equal(arm.params['vfio.pin_ns_per_page']!.value, 700);
  assert.equal(arm.params['vfio.pin_ns_per_page']!.source, 'override');
});

test('unknown profiles, unknown parameters and bad values are clear errors', () => {
  assert.throws(() => resolveProfile(catalog.params, files, 'nope'), (e: Error) => e instanceof ProfileError && /unknown profile "nope"; known profiles: /.test(e.message));
  assert.throws(() => resolveProfile(catalog.params, files, 'base', { 'vfio.pin_ns_per_pag': 1 }), /unknown profile parameter "vfio.pin_ns_per_pag" \(did you mean "vfio.pin_ns_per_page"\?\)/);
  assert.throws(() => resolveProfile(catalog.params, files, 'base', { 'vfio.pin_ns_per_page': 'fast' }), /expected a non-negative number/);
  const cyc = new Map(files);
  cyc.set('a', { id: 'a', description: 'x', extends: 'b', params: {} });
  cyc.set('b', { id: 'b', description: 'x', extends: 'a', params: {} });
  assert.throws(() => resolveProfile(catalog.params, cyc, 'a'), /cycle/);
});
