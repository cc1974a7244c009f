import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURES, FeatureError, negotiate, restrictedFailure, type Feature, type PlatformInfo } from './features';

const pseries: PlatformInfo = { name: 'pseries', restrictedMemoryMeaning: true, restricted: false };
const x86: PlatformInfo = { name: 'x86_64', restrictedMemoryMeaning: false, restricted: false };
const all = new Set<Feature>(Object.values(FEATURES));
const set = (...f: Feature[]) => new Set<Feature>(f);

test('negotiation keeps what both sides know and picks the DMA route from the access flags', () => {
  assert.equal(negotiate(all, set(FEATURES.version1), pseries).route, 'gpa');
  assert.equal(negotiate(all, set(FEATURES.accessPlatform), pseries).route, 'platform');
  assert.equal(negotiate(all, set(FEATURES.noIommu), pseries).route, 'restricted-direct');
  // A device that does not offer the proposed flag: the driver cannot take it.
  assert.equal(negotiate(set(FEATURES.accessPlatform), set(FEATURES.noIommu), pseries).route, 'gpa');
  assert.deepEqual([...negotiate(set(FEATURES.indirectDesc, FEATURES.eventIdx), set(FEATURES.indirectDesc), x86).features], [FEATURES.indirectDesc]);
});

test('both flags at once is an error, and so is NO_IOMMU where memory is never restricted', () => {
  assert.throws(() => negotiate(all, set(FEATURES.accessPlatform, FEATURES.noIommu), pseries), (e) => e instanceof FeatureError && /mutually exclusive/.test(e.message));
  assert.throws(() => negotiate(all, set(FEATURES.noIommu), x86), (e) => e instanceof FeatureError && /x86_64 has no restricted guest memory/.test(e.message));
  assert.equal(negotiate(all, set(FEATURES.noIommu), { name: 'x86_64 (tdx)', restrictedMemoryMeaning: true, restricted: true }).route, 'restricted-direct');
});

test('only the guest-physical route fails in a restricted guest, with the reason', () => {
  assert.match(restrictedFailure('gpa', true)!, /guest-physical addresses of secure memory/);
  assert.equal(restrictedFailure('gpa', false), null);
  assert.equal(restrictedFailure('platform', true), null);
  assert.equal(restrictedFailure('restricted-direct', true), null);
});
