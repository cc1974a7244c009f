import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placePool, RFC_8PCT_SIZING, swiotlbBytes, X86_CVM_SIZING } from './swiotlb-sizing';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const SEG = 256 * 1024;

test('x86 CVM rule: 6 % of RAM within [64 MiB, 1 GiB], rounded up to 256 KiB segments', () => {
  assert.equal(swiotlbBytes(512 * MiB, X86_CVM_SIZING), 64 * MiB, 'clamped up');
  assert.equal(swiotlbBytes(4 * GiB, X86_CVM_SIZING), Math.ceil((4 * GiB * 0.06) / SEG) * SEG);
  assert.equal(swiotlbBytes(64 * GiB, X86_CVM_SIZING), GiB, 'clamped down');
  assert.equal(swiotlbBytes(256 * GiB, X86_CVM_SIZING), GiB);
});

test('RFC rule: 8 %, same clamp', () => {
  assert.equal(swiotlbBytes(4 * GiB, RFC_8PCT_SIZING), Math.ceil((4 * GiB * 0.08) / SEG) * SEG);
  assert.equal(swiotlbBytes(16 * GiB, RFC_8PCT_SIZING), GiB);
  assert.equal(swiotlbBytes(GiB, { rule: 'bytes', bytes: 1000 }), SEG);
});

test('placement: page aligned today (so an 8 GiB guest\'s pool edge is not 2 MiB aligned), 2 MiB aligned with the RFC', () => {
  const today = placePool(8 * GiB, X86_CVM_SIZING, 4096);
  assert.equal(today.bytes, 491.75 * MiB);
  assert.equal(today.base + today.bytes, 4 * GiB, 'top-down below 4 GiB');
  assert.notEqual(today.base % (2 * MiB), 0, '491.75 MiB is not a multiple of 2 MiB');
  const rfc = placePool(4 * GiB, RFC_8PCT_SIZING, 2 * MiB);
  assert.equal(rfc.base % (2 * MiB), 0);
  assert.equal(rfc.bytes % (2 * MiB), 0);
  assert.ok(rfc.bytes >= swiotlbBytes(4 * GiB, RFC_8PCT_SIZING));
  const gig = placePool(64 * GiB, RFC_8PCT_SIZING, GiB);
  assert.deepEqual(gig, { base: 3 * GiB, bytes: GiB });
  assert.throws(() => placePool(4 * GiB, X86_CVM_SIZING, 3000), /power of two/);
  assert.throws(() => placePool(32 * MiB, X86_CVM_SIZING, 4096), /does not fit/);
});
