/** Configurations the SMMUv3 model cannot build fail with one TopologyError naming the JSON path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from './runner';
import { runSimulation } from '../engine/run';
import { TopologyError } from '../engine/models/model';
import type { RunResult } from '../common/result';

function vm(id: string, viommu: Record<string, unknown>) {
  return { id, memory: '1GiB', vcpus: 2, viommus: [{ id: 'vsmmu0', kind: 'smmuv3', params: viommu }] };
}
function dev(id: string, vmId: string, hostIommu: string, extra: Record<string, unknown> = {}) {
  return { id, vm: vmId, kind: 'nic', attach: 'vfio', viommu: 'vsmmu0', hostIommu, workload: { kind: 'boot' }, ...extra };
}
function build(spec: Record<string, unknown>): RunResult {
  const p = prepareRun({ duration: '1ms', profile: { base: 'grace-tegra241' }, ...spec });
  return runSimulation(p.spec, p.profile);
}
function topologyError(fn: () => unknown, path: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TopologyError, `expected a TopologyError, got ${String(e)}`);
    assert.equal(e.path, path);
    assert.match(e.message, message);
    return true;
  });
}

const cmdqvHost = (vintfsLog2: number) => ({ arch: 'aarch64', iommus: [{ id: 'smmu0', kind: 'smmuv3', params: { cmdqv: true, vintfsLog2 } }] });

test('more VMs with vCMDQ than the CMDQV has VINTFs (VINTF0 is the host\'s) is a topology error', () => {
  const vms = [0, 1, 2, 3].map((i) => vm(`vm${i}`, { backing: ['smmu0'], vcmdq: true }));
  const devices = vms.map((v, i) => dev(`d${i}`, v.id, 'smmu0'));
  // 4 VINTFs: VINTF0 for the host, 3 for VMs.
  assert.doesNotThrow(() => build({ host: cmdqvHost(2), vms: vms.slice(0, 3), devices: devices.slice(0, 3) }));
  topologyError(() => build({ host: cmdqvHost(2), vms, devices }), 'vms[3].viommus[0].params.vcmdq', /more VINTFs than smmu0 has: its CMDQV has 4 VINTFs/);
});

test('VINTFs in use are reported per instance', () => {
  const r = build({ host: cmdqvHost(3), vms: [vm('vm0', { backing: ['smmu0'], vcmdq: true })], devices: [dev('d0', 'vm0', 'smmu0')] });
  assert.equal(r.scalars['smmu.vintfs_in_use.smmu0'], 2);
  assert.equal(r.scalars['smmu.vmids_in_use.smmu0'], 1);
});

test('a vDEVICE on the vIOMMU of another physical SMMU is rejected', () => {
  const host = { arch: 'aarch64', iommus: [{ id: 'smmu0', kind: 'smmuv3' }, { id: 'smmu1', kind: 'smmuv3' }] };
  topologyError(
    () => build({ host, vms: [vm('vm0', { backing: ['smmu0'] })], devices: [dev('d0', 'vm0', 'smmu1')] }),
    'devices[0].hostIommu',
    /vDEVICE d0 sits behind smmu1, but vSMMU vsmmu0 is a vIOMMU of smmu0/,
  );
});

test('vCMDQ on a vSMMU spanning several physical SMMUs is rejected (it needs one vSMMU per instance)', () => {
  const host = { arch: 'aarch64', iommus: [0, 1].map((i) => ({ id: `smmu${i}`, kind: 'smmuv3', params: { cmdqv: true } })) };
  topologyError(
    () => build({ host, vms: [vm('vm0', { backing: ['smmu0', 'smmu1'], vcmdq: true })], devices: [dev('d0', 'vm0', 'smmu0')] }),
    'vms[0].viommus[0].params.vcmdq',
    /one vSMMU per physical SMMU/,
  );
});

test('VMID exhaustion: 8-bit VMIDs allow 255 VMs on one instance', () => {
  const host = { arch: 'aarch64', cpus: 256, iommus: [{ id: 'smmu0', kind: 'smmuv3', params: { vmidBits: 8 } }] };
  const vms = Array.from({ length: 256 }, (_, i) => ({ ...vm(`vm${i}`, { backing: ['smmu0'] }), vcpus: 1 }));
  const devices = [dev('d0', 'vm0', 'smmu0')];
  assert.doesNotThrow(() => build({ host, vms: vms.slice(0, 255), devices }));
  topologyError(() => build({ host, vms, devices }), 'vms[255].viommus[0].params.backing[0]', /VMID exhaustion on smmu0: all 255 8-bit VMIDs/);
});

test('other misconfigurations: unknown backing instance, emulated vSMMU with a vfio device, disagreeing stage-2 settings', () => {
  const host = { arch: 'aarch64', iommus: [{ id: 'smmu0', kind: 'smmuv3' }] };
  topologyError(() => build({ host, vms: [vm('vm0', { backing: ['smmu9'] })], devices: [dev('d0', 'vm0', 'smmu0')] }), 'vms[0].viommus[0].params.backing[0]', /no physical SMMUv3 "smmu9"/);
  topologyError(() => build({ host, vms: [vm('vm0', { mode: 'emulated' })], devices: [dev('d0', 'vm0', 'smmu0')] }), 'devices[0].attach', /no MAP notifier/);
  const two = { ...vm('vm0', { backing: ['smmu0'] }), viommus: [{ id: 'a', kind: 'smmuv3', params: { stage2: 'shared' } }, { id: 'b', kind: 'smmuv3', params: { stage2: 'duplicated' } }] };
  topologyError(() => build({ host, vms: [two], devices: [{ ...dev('d0', 'vm0', 'smmu0'), viommu: 'a' }] }), 'vms[0].viommus[1]', /one stage 2 for all its vSMMUs/);
});

test('emulated vSMMU: QEMU translates for an emulated device in software; no hardware commands', () => {
  const r = build({
    duration: '1ms',
    host: { arch: 'aarch64' },
    vms: [vm('vm0', { mode: 'emulated' })],
    devices: [{ id: 'vnet', vm: 'vm0', kind: 'virtio-net', attach: 'virtio', viommu: 'vsmmu0', workload: { kind: 'map-bench', granule: '8KiB', dmaBytes: '8KiB' } }],
  });
  const ops = r.scalars['bench.ops']!;
  assert.ok(ops > 20);
  assert.ok(r.scalars['vsmmu.sw_walks']! >= ops, 'each fresh mapping is walked in software');
  assert.ok(r.scalars['exits.mmio']! >= ops, 'every unmap traps');
  assert.equal(r.scalars['faults.dma'], 0);
  assert.equal(r.scalars['iommufd.invalidate_ioctls'] ?? 0, 0);
});

test('lazy mode: unmaps queue on the flush queue and one whole-domain flush covers up to 256 of them', () => {
  const host = { arch: 'aarch64', iommus: [{ id: 'smmu0', kind: 'smmuv3' }] };
  const r = build({
    duration: '3ms',
    host,
    vms: [{ ...vm('vm0', { backing: ['smmu0'] }), dmaMode: 'lazy' }],
    devices: [dev('d0', 'vm0', 'smmu0', { workload: { kind: 'map-bench', granule: '4KiB', dmaBytes: '4KiB' } })],
  });
  const ops = r.scalars['unmap.ops']!;
  const flushes = r.scalars['iommu.fq_flushes']!;
  assert.ok(ops > 256, `ops ${ops}`);
  assert.equal(flushes, Math.floor(ops / 256), 'a flush each time the per-CPU queue fills');
  assert.equal(r.scalars['inval.guest.cmd.tlbi_nh_asid'], flushes);
  assert.equal(r.scalars['inval.guest.cmd.tlbi_nh_va'] ?? 0, 0);
});

test('a vfio device behind a physical SMMU with no vIOMMU: dma-direct in the guest, stage-2-only walks in hardware', () => {
  const r = build({
    host: { arch: 'aarch64', iommus: [{ id: 'smmu0', kind: 'smmuv3', params: { s2Levels: 3 } }] },
    vms: [{ id: 'vm0', memory: '1GiB', vcpus: 2 }],
    devices: [{ id: 'd0', vm: 'vm0', kind: 'nic', attach: 'vfio', hostIommu: 'smmu0', workload: { kind: 'map-bench', granule: '4KiB', dmaBytes: '4KiB' } }],
  });
  assert.ok(r.scalars['bench.ops']! > 100);
  assert.equal(r.scalars['faults.dma'], 0);
  assert.equal(r.scalars['exits.mmio'] ?? 0, 0);
  assert.ok(r.scalars['iotlb.hit_rate']! > 0.9, 'the same buffer is reused: the IOTLB keeps it');
  assert.equal(r.scalars['smmu.vmids_in_use.smmu0'], 1);
});

test('ASID exhaustion: a vSMMU over an 8-bit-ASID instance gives out 255 ASIDs, one per device domain', () => {
  const host = { arch: 'aarch64', iommus: [{ id: 'smmu0', kind: 'smmuv3', params: { asidBits: 8 } }] };
  const devices = Array.from({ length: 256 }, (_, i) => dev(`d${i}`, 'vm0', 'smmu0'));
  assert.doesNotThrow(() => build({ host, vms: [vm('vm0', { backing: ['smmu0'] })], devices: devices.slice(0, 255) }));
  topologyError(() => build({ host, vms: [vm('vm0', { backing: ['smmu0'] })], devices }), 'devices[255].viommu', /ASID exhaustion: vSMMU vsmmu0 has used all 255 8-bit ASIDs/);
});
