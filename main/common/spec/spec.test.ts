import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpecError } from './index';
import { parseSpec } from '../../engine/catalog';
import { parseQuantity } from '../units';
import { setPath, splitPath } from './set-path';

const minimal = {
  vms: [{ id: 'vm0', memory: '4GiB' }],
  devices: [{ id: 'd0', vm: 'vm0', workload: { kind: 'map-bench' } }],
};

function issues(input: unknown): string[] {
  try {
    parseSpec(input);
  } catch (e) {
    assert.ok(e instanceof SpecError);
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('expected a SpecError');
}

test('a minimal spec gets its defaults and canonical units', () => {
  const s = parseSpec(minimal);
  assert.equal(s.vms[0]!.memory, 4 * 2 ** 30);
  assert.equal(s.duration, 10_000_000);
  assert.equal(s.seed, 1);
  assert.equal(s.profile.base, 'kvm-x86-2024');
  const w = s.devices[0]!.workload;
  assert.equal(w.kind === 'map-bench' && w.granule, 4096);
});

test('errors name the JSON path and say what is wrong', () => {
  assert.deepEqual(issues({ ...minimal, vms: [{ id: 'vm0', memory: '4GB/s' }] }), ['vms[0].memory: unknown bytes unit "GB/s" in "4GB/s"; use one of B, KiB, MiB, GiB, TiB, PiB, KB, MB, GB, TB, K, M, G, T']);
  assert.deepEqual(issues({ ...minimal, devices: [{ id: 'd0', vm: 'vm9', workload: { kind: 'map-bench' } }] }), ['devices[0].vm: no VM with id "vm9"']);
  assert.match(issues({ ...minimal, devices: [{ id: 'd0', vm: 'vm0', workload: { kind: 'map-bench', granul: 4096 } }] })[0]!, /^devices\[0\]\.workload: unknown field "granul"/);
  assert.match(issues({ ...minimal, devices: [{ id: 'd0', vm: 'vm0', workload: { kind: 'map-bench', threads: 0 } }] })[0]!, /^devices\[0\]\.workload\.threads: /);
  assert.match(issues({ ...minimal, vms: [{ id: 'vm0', memory: '4GiB', viommus: [{ id: 'v', kind: 'nope' }] }] })[0]!, /^vms\[0\]\.viommus\[0\]\.kind: unknown vIOMMU kind "nope"/);
  assert.match(issues({ ...minimal, devices: [{ id: 'd0', vm: 'vm0', viommu: 'x', workload: { kind: 'boot' } }] })[0]!, /^devices\[0\]\.viommu: VM "vm0" has no vIOMMU "x"/);
  assert.match(issues({ ...minimal, devices: [{ id: 'd0', vm: 'vm0', workload: { kind: 'nic' } }] })[0]!, /packetRate: give exactly one of packetRate or bitrate/);
  // No VM is a bare-metal host (issue 14); a spec still needs a device.
  assert.deepEqual(issues({ vms: [], devices: [] }), ['devices: Array must contain at least 1 element(s)']);
  assert.match(issues('not a spec')[0]!, /^: |Expected object/);
});

test('units are parsed strictly', () => {
  assert.equal(parseQuantity('0x4000000', 'bytes'), 64 * 2 ** 20);
  assert.equal(parseQuantity('50us', 'duration'), 50_000);
  assert.equal(parseQuantity('10Gbps', 'bitrate'), 1e10);
  assert.equal(parseQuantity('1.5Mpps', 'rate'), 1.5e6);
  assert.throws(() => parseQuantity('32', 'bytes'), /needs a unit/);
  assert.throws(() => parseQuantity('32Gib', 'bytes'), /unknown bytes unit "Gib"/);
  assert.throws(() => parseQuantity('0.5ns', 'duration'), /whole number/);
  assert.throws(() => parseQuantity('-1KiB', 'bytes'), /non-negative/);
});

test('--set paths write into existing parents only', () => {
  assert.deepEqual(splitPath('devices[0].workload.threads'), ['devices', 0, 'workload', 'threads']);
  const out = setPath(minimal, 'devices[0].workload.threads', 4) as typeof minimal;
  assert.equal((out.devices[0]!.workload as { threads?: number }).threads, 4);
  assert.equal((minimal.devices[0]!.workload as { threads?: number }).threads, undefined, 'input is not mutated');
  assert.throws(() => setPath(minimal, 'devcies[0].x', 1), /does not exist/);
  assert.throws(() => splitPath('a..b'), /not a path/);
});
