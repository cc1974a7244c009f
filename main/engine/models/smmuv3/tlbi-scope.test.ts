import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tlbiScope } from './tlbi-scope';

test('a TLBI is a page, a range or a whole tag', () => {
  assert.equal(tlbiScope({ op: 'TLBI_NH_VA', asid: 1, addr: 0, size: 4096 }), 'page');
  assert.equal(tlbiScope({ op: 'TLBI_NH_VA', asid: 1, addr: 0 }), 'page');
  assert.equal(tlbiScope({ op: 'TLBI_NH_VA', asid: 1, addr: 0, size: 64 * 4096 }), 'range');
  assert.equal(tlbiScope({ op: 'TLBI_S2_IPA', vmid: 1, addr: 0, size: 2 ** 21 }), 'range');
  for (const op of ['TLBI_NH_ASID', 'TLBI_NH_ALL', 'TLBI_S12_VMALL', 'TLBI_NSNH_ALL'] as const) assert.equal(tlbiScope({ op }), 'wide');
});
