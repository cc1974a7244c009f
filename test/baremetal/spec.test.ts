// Bare-metal devices in the spec (issue 14): a device with no vm is the host's; what only a VM's
// device can carry is refused at its path, and host.dmaMode acts only where a host IOMMU drives
// a bare-metal device.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec } from '../../main/engine/catalog';
import { SpecError } from '../../main/common/spec';

const smmu = { arch: 'aarch64' as const, iommus: [{ id: 'smmu0', kind: 'smmuv3' }] };
const hostDev = { id: 'd0', hostIommu: 'smmu0', workload: { kind: 'map-bench' } };

function refusal(input: unknown): string {
  try {
    parseSpec(input);
  } catch (e) {
    assert.ok(e instanceof SpecError, String(e));
    return e.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
  }
  assert.fail('expected the spec to be refused');
}

test('a spec with no VM and a host device is valid; the device is native and the host mode defaults to strict', () => {
  const s = parseSpec({ host: { ...smmu, dmaMode: 'lazy' }, devices: [hostDev] });
  assert.deepEqual(s.vms, []);
  assert.equal(s.devices[0]!.vm, undefined);
  assert.equal(s.devices[0]!.attach, 'native');
  assert.equal(s.host.dmaMode, 'lazy');
});

test('a bare-metal device refuses a vIOMMU, a virtio kind and a VMM attach', () => {
  assert.match(refusal({ host: smmu, devices: [{ ...hostDev, viommu: 'v0' }] }), /^devices\[0\]\.viommu: device d0 is a bare-metal device \(no vm\): a vIOMMU belongs to a VM/);
  assert.match(refusal({ host: smmu, devices: [{ ...hostDev, kind: 'virtio-net', workload: { kind: 'nic', bitrate: '1Gbps' } }] }), /^devices\[0\]\.kind: device d0 is a bare-metal device \(no vm\): a virtio-net device is provided by a VMM's virtio backend/);
  assert.match(refusal({ host: smmu, devices: [{ ...hostDev, attach: 'vfio' }] }), /^devices\[0\]\.attach: device d0 is a bare-metal device \(no vm\): attach "vfio" is how a VMM provides a device/);
  assert.match(refusal({ host: smmu, devices: [{ ...hostDev, kind: 'nvme', workload: { kind: 'nic', bitrate: '1Gbps' } }] }), /^devices\[0\]\.workload\.kind: a nvme device does not run a nic workload/);
});

test('attach "native" is only for bare-metal devices; VM id "host" is reserved', () => {
  const vm = { id: 'vm0', memory: '4GiB', vcpus: 2 };
  assert.match(refusal({ vms: [vm], devices: [{ id: 'd', vm: 'vm0', attach: 'native', workload: { kind: 'map-bench' } }] }), /^devices\[0\]\.attach: attach "native" is the host kernel's own driver/);
  assert.match(refusal({ vms: [{ ...vm, id: 'host' }], devices: [{ id: 'd', vm: 'host', workload: { kind: 'map-bench' } }] }), /^vms\[0\]\.id: VM id "host" is reserved/);
});

test('host.dmaMode is refused unless a bare-metal device sits behind a host IOMMU', () => {
  const vm = { id: 'vm0', memory: '4GiB', vcpus: 2 };
  const why = /^host\.dmaMode: no bare-metal device \(a device with no vm\) sits behind a host IOMMU/;
  assert.match(refusal({ host: { ...smmu, dmaMode: 'lazy' }, vms: [vm], devices: [{ id: 'd', vm: 'vm0', hostIommu: 'smmu0', workload: { kind: 'map-bench' } }] }), why);
  assert.match(refusal({ host: { dmaMode: 'strict' }, devices: [{ id: 'd', workload: { kind: 'map-bench' } }] }), why, 'dma-direct on the host has no invalidation policy');
});
