// Strict specs (issue 9, done-when 3): a field the engine would not act on is refused with one
// sentence naming its JSON path. (Every example's every field: test/spec/knob-sensitivity.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../../api/runner';
import { parseSpec } from '../../engine/catalog';
import { SpecError } from './index';

const vm = { id: 'vm0', memory: '4GiB', vcpus: 2 };
const dev = { id: 'd0', vm: 'vm0', workload: { kind: 'map-bench' } };
const spapr = { arch: 'ppc64le' as const };

function refusal(input: unknown): string {
  try {
    parseSpec(input);
  } catch (e) {
    assert.ok(e instanceof SpecError, String(e));
    assert.equal(e.issues.length, 1, e.message);
    return `${e.issues[0]!.path}: ${e.issues[0]!.message}`;
  }
  assert.fail('expected the spec to be refused');
}

test('lazyAccept, and any other free-form VM param, is refused at its path', () => {
  assert.match(refusal({ vms: [{ ...vm, params: { lazyAccept: true } }], devices: [dev] }), /^vms\[0\]\.params: VMs take no free-form params \(got "lazyAccept"\): every VM setting is a declared field/);
  assert.match(refusal({ vms: [{ ...vm, lazyAccept: true }], devices: [dev] }), /^vms\[0\]: unknown field "lazyAccept"$/);
});

test('a confidential kind with no model yet (tdx, sev-snp) is refused at vms[].confidential', () => {
  for (const kind of ['tdx', 'sev-snp']) {
    assert.equal(
      refusal({ vms: [{ ...vm, confidential: kind }], devices: [dev] }),
      `vms[0].confidential: unknown confidential-computing kind "${kind}"; known kinds: none, pef (a kind is accepted once a model for it is registered)`,
    );
  }
});

test('dmaMode on a VM with no IOMMU whose guest driver uses dma-iommu is refused; behind a vSMMU it is taken', () => {
  assert.equal(refusal({ vms: [{ ...vm, dmaMode: 'lazy' }], devices: [dev] }), 'vms[0].dmaMode: no model of VM vm0 maps through the guest dma-iommu layer, so strict/lazy would change nothing (it has no vIOMMU or confidential model)');
  const phb = { ...vm, dmaMode: 'strict', viommus: [{ id: 'phb0', kind: 'spapr-tce' }] };
  assert.match(refusal({ host: spapr, vms: [phb], devices: [{ ...dev, viommu: 'phb0' }] }), /^vms\[0\]\.dmaMode: no model of VM vm0 maps through the guest dma-iommu layer, .*\(its models \(spapr-tce\)\)$/);
  const smmu = { ...vm, dmaMode: 'lazy', viommus: [{ id: 'v0', kind: 'smmuv3', params: { mode: 'emulated' } }] };
  assert.equal(parseSpec({ vms: [smmu], devices: [{ ...dev, viommu: 'v0', attach: 'emulated' }] }).vms[0]!.dmaMode, 'lazy');
});

test('maxMemory only where a model sizes by it (sPAPR direct windows)', () => {
  assert.match(refusal({ vms: [{ ...vm, maxMemory: '8GiB' }], devices: [dev] }), /^vms\[0\]\.maxMemory: no model of VM vm0 sizes anything by the hot-plug maximum/);
  const phb = { ...vm, maxMemory: '8GiB', viommus: [{ id: 'phb0', kind: 'spapr-tce' }] };
  assert.equal(parseSpec({ host: spapr, vms: [phb], devices: [{ ...dev, viommu: 'phb0' }] }).vms[0]!.maxMemory, 8 * 2 ** 30);
});

test('device fields: ACCESS_PLATFORM is a virtio transport parameter, attach matches the kind, params belong to the IOMMU in the path', () => {
  assert.equal(refusal({ vms: [vm], devices: [{ ...dev, kind: 'virtio-net', accessPlatform: false }] }), 'devices[0]: unknown field "accessPlatform"');
  assert.match(refusal({ vms: [vm], devices: [{ ...dev, kind: 'virtio-net', attach: 'vfio' }] }), /^devices\[0\]\.attach: a virtio-net device is provided by a virtio backend/);
  assert.match(refusal({ vms: [vm], devices: [{ ...dev, attach: 'vhost' }] }), /^devices\[0\]\.attach: attach "vhost" needs a virtio device kind/);
  assert.match(refusal({ vms: [vm], devices: [{ ...dev, kind: 'gpu', workload: { kind: 'block' } }] }), /^devices\[0\]\.workload\.kind: a gpu device does not run a block workload/);
  assert.equal(refusal({ vms: [vm], devices: [{ ...dev, params: { ats: true } }] }), 'devices[0].params: device d0 has no IOMMU in its path, so it takes no params (got "ats")');
  assert.equal(parseSpec({ vms: [vm], devices: [{ ...dev, workload: { kind: 'block' } }] }).devices[0]!.kind, 'nvme', 'the kind follows the workload when omitted');
});

test('host: the vCPUs must fit, and the architecture must be the models\' and the profile\'s', () => {
  assert.match(refusal({ host: { cpus: 2 }, vms: [{ ...vm, vcpus: 4 }], devices: [dev] }), /^host\.cpus: the VMs have 4 vCPUs but the host has 2 CPUs: overcommit is not modelled/);
  const phb = { ...vm, viommus: [{ id: 'phb0', kind: 'spapr-tce' }] };
  assert.equal(refusal({ host: { arch: 'x86_64' }, vms: [phb], devices: [{ ...dev, viommu: 'phb0' }] }), 'host.arch: vms[0].viommus[0] is a spapr-tce vIOMMU model, which exists on ppc64le hosts, not x86_64');
  const inferred = parseSpec({ vms: [phb], devices: [{ ...dev, viommu: 'phb0' }] });
  assert.deepEqual([inferred.host.arch, inferred.profile.base], ['ppc64le', 'power9-kvm'], 'omitted, the arch is the models\' and the profile follows it');
  assert.throws(() => prepareRun({ host: { arch: 'aarch64' }, vms: [vm], devices: [dev] , profile: { base: 'kvm-x86-2024' } }), /^SpecError: host\.arch: aarch64, but profile "kvm-x86-2024" describes a x86_64 host/);
});
