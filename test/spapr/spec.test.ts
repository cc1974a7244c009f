import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpecError } from '../../main/common/spec';
import { parseSpec } from '../../main/engine/catalog';

const spec = (params: Record<string, unknown>): unknown => ({
  vms: [{ id: 'g', memory: '4GiB', viommus: [{ id: 'phb0', kind: 'spapr-tce', params }] }],
  devices: [{ id: 'd', vm: 'g', viommu: 'phb0', workload: { kind: 'boot' } }],
});

function issue(params: Record<string, unknown>): string {
  try {
    parseSpec(spec(params));
  } catch (e) {
    assert.ok(e instanceof SpecError);
    return e.message;
  }
  return '';
}

test('spapr-tce params default to QEMU\'s PHB: 1 GiB window of 4 KiB pages, DDW on, QEMU path, machine 4.2', () => {
  const p = parseSpec(spec({})).vms[0]!.viommus[0]!.params;
  assert.equal(p.dmaWindowSize, 2 ** 30);
  assert.equal(p.dmaWindowPageSize, 4096);
  assert.equal(p.ddw, true);
  assert.equal(p.hcallPath, 'qemu');
  assert.equal(p.machineVersion, '4.2');
  assert.equal(p.maxWindows, 2);
  assert.deepEqual(p.firmwareFeatures, { putTceInd: true, stuffTce: true, split: true });
});

test('dma_win_size accepts QEMU\'s hex form and must be a power of two', () => {
  assert.equal(parseSpec(spec({ dmaWindowSize: '0x4000000' })).vms[0]!.viommus[0]!.params.dmaWindowSize, 64 * 2 ** 20);
  assert.match(issue({ dmaWindowSize: '3MiB' }), /vms\[0\]\.viommus\[0\]\.params\.dmaWindowSize: .*power of two/);
});

test('bad values name their JSON path', () => {
  assert.match(issue({ hcallPath: 'hypervisor' }), /params\.hcallPath/);
  assert.match(issue({ tceLevels: 6 }), /params\.tceLevels/);
  assert.match(issue({ firmwareFeatures: { multiTce: true } }), /params\.firmwareFeatures/);
  assert.match(issue({ windowSize: '1GiB' }), /params: unknown field "windowSize"/);
});

test('dma64_win_addr: exact hex up to 2^64, 4 KiB aligned; an address a double cannot hold is refused, not rounded', () => {
  const addr = (v: unknown): unknown => parseSpec(spec({ dma64WindowAddr: v })).vms[0]!.viommus[0]!.params.dma64WindowAddr;
  assert.equal(addr(undefined), 2 ** 59, 'QEMU default 2^59');
  assert.equal(addr('0x800000000000000'), 2 ** 59);
  assert.equal(addr('0xfffffffffffff000'), 2 ** 64 - 4096);
  assert.equal(addr('4GiB'), 2 ** 32);
  assert.match(issue({ dma64WindowAddr: '0x800000000000001' }), /params\.dma64WindowAddr: address 0x800000000000001 must be a multiple of 4096 bytes/);
  assert.match(issue({ dma64WindowAddr: '0x10000000000000000' }), /params\.dma64WindowAddr: .*beyond the 64-bit range/);
  assert.match(issue({ dma64WindowAddr: -4096 }), /params\.dma64WindowAddr/);
});
