import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment, type ProcessGenerator } from '../../kernel';
import { Costs } from '../../costs/costs';
import { Metrics } from '../../metrics/collector';
import { DeviceRuntime } from '../../machine/device';
import { VmRuntime } from '../../machine/vm';
import { DirectPath } from '../../dma/direct';
import { parseSpec } from '../../catalog';
import { TopologyError } from '../../../common/diagnostics';
import { loadProfile } from '../../../api/profiles';
import { CountingPath } from './test-harness';
import { buildVirtio } from './build';
import { virtioParams } from './params';
import { prepareRun } from '../../../api/runner';
import { runSimulation } from '../../run';

const profile = loadProfile('power9-kvm');

/** Ten 64 KiB virtio-blk reads on a pseries (or other) host under one flag setting. */
function run(opts: { arch?: string; confidential?: string; accessPlatform?: boolean; noIommu?: boolean }) {
  const spec = parseSpec({ vms: [{ id: 'vm0', memory: '4GiB', vcpus: 2 }], devices: [{ id: 'd0', vm: 'vm0', kind: 'virtio-blk', workload: { kind: 'boot' } }] });
  const env = new Environment(1);
  const costs = new Costs(profile);
  const metrics = new Metrics(1000);
  const vm = new VmRuntime(env, spec.vms[0]!);
  const notes: string[] = [];
  // The platform path stands for the TCE path: it counts the DMA-API calls that reach it.
  const platform = new CountingPath(new DirectPath(costs));
  const t = buildVirtio({
    env,
    costs,
    metrics,
    note: (s) => notes.push(s),
    hostArch: opts.arch ?? 'ppc64le',
    device: { id: 'd0', kind: 'virtio-blk', attach: 'virtio' },
    at: 'devices[0].transport',
    vm,
    confidential: opts.confidential ?? 'none',
    path: platform,
    params: virtioParams.parse({ accessPlatform: opts.accessPlatform ?? false, noIommu: opts.noIommu ?? false }),
  });
  const device = new DeviceRuntime(env, spec.devices[0]!, vm, t, costs, metrics, 0);
  const outcomes: string[] = [];
  env.process(
    (function* (): ProcessGenerator<void> {
      const cpu = vm.vcpu(0);
      yield* cpu.run(t.probe(cpu));
      const data = vm.allocBuffer(65536);
      for (let i = 0; i < 10; i++) {
        const o = yield* t.blockQueue!.request(cpu, { read: true, bytes: 65536, data: [{ gpa: data, bytes: 65536 }], mediaNs: 10_000, slot: 0 }, device);
        outcomes.push(o.ok ? 'ok' : o.reason);
      }
    })(),
  );
  env.run();
  return { s: metrics.collect().scalars, outcomes, notes, platformMaps: platform.maps, route: t.route };
}

test('seed 001 on pseries: which flag sends buffers through the platform path, which bounces, which fails', () => {
  const none = run({});
  assert.equal(none.route, 'gpa');
  assert.equal(none.platformMaps, 0);
  assert.deepEqual(none.outcomes, Array(10).fill('ok'));
  const ap = run({ accessPlatform: true });
  // Ring + per request header, data, status and (QEMU offers indirect descriptors) the indirect table.
  assert.equal(ap.platformMaps, 1 + 40, 'every map goes through the TCE path');
  assert.equal(ap.s['virtio.dma_maps'], 30);
  assert.equal(ap.s['virtio.indirect_maps'], 10);
  const noIommu = run({ noIommu: true });
  assert.equal(noIommu.platformMaps, 0, 'NO_IOMMU: no translation');
  assert.equal(noIommu.s['swiotlb.bounce_bytes'] ?? 0, 0, 'a normal guest does not bounce');

  const secureAp = run({ confidential: 'pef', accessPlatform: true });
  assert.equal(secureAp.platformMaps, 41, 'the platform path (which bounces a secure guest itself) gets every buffer');
  const secureNoIommu = run({ confidential: 'pef', noIommu: true });
  assert.equal(secureNoIommu.platformMaps, 0);
  assert.ok(secureNoIommu.s['swiotlb.bounce_bytes']! >= 10 * (16 + 65536 + 1), `bounce ${secureNoIommu.s['swiotlb.bounce_bytes']}`);
  assert.deepEqual(secureNoIommu.outcomes, Array(10).fill('ok'));
  const secureNone = run({ confidential: 'pef' });
  assert.equal(secureNone.outcomes.filter((o) => o !== 'ok').length, 10);
  assert.match(secureNone.outcomes[0]!, /could not reach a buffer/);
  assert.ok(secureNone.notes.some((n) => /guest-physical addresses of secure memory the host cannot read/.test(n)), secureNone.notes.join('; '));
});

test('a CVM refuses a device without ACCESS_PLATFORM at probe', () => {
  const r = run({ arch: 'x86_64', confidential: 'tdx' });
  assert.deepEqual(r.outcomes, Array(10).fill('the driver refused the device at probe: this guest requires VIRTIO_F_ACCESS_PLATFORM'));
  assert.equal(r.s['dma.transactions'] ?? 0, 0);
  assert.ok(r.notes.some((n) => /refused at probe/.test(n)));
});

test('both flags, or NO_IOMMU where memory is never restricted, is a topology error at the flag', () => {
  assert.throws(
    () => run({ accessPlatform: true, noIommu: true }),
    (e) => e instanceof TopologyError && e.path === 'devices[0].transport.params.noIommu' && /mutually exclusive/.test(e.message),
  );
  assert.throws(() => run({ arch: 'x86_64', noIommu: true }), (e) => e instanceof TopologyError && /x86_64 has no restricted guest memory/.test(e.message));
  assert.doesNotThrow(() => run({ arch: 'x86_64', confidential: 'sev-snp', noIommu: true }));
});

test("the device's attach is its backend: vfio is refused, vhost takes no QEMU-only settings; more segments than seg_max is refused", () => {
  const spec = (attach: string, params: Record<string, unknown>) => ({
    host: { arch: 'ppc64le' },
    vms: [{ id: 'g', memory: '4GiB' }],
    devices: [{ id: 'd0', vm: 'g', kind: 'virtio-blk', attach, transport: { kind: 'virtio', params }, workload: { kind: 'block', requests: 8 } }],
  });
  assert.throws(() => prepareRun(spec('vfio', {})), /devices\[0\]\.attach: a virtio-blk device is provided by a virtio backend: attach "virtio" \(QEMU\) or "vhost"/);
  assert.throws(() => prepareRun(spec('vhost', { iothread: true })), /devices\[0\]\.transport\.params\.iothread/);
  assert.throws(() => prepareRun(spec('vhost', { ioeventfd: false })), /devices\[0\]\.transport\.params\.ioeventfd/);
  assert.throws(() => prepareRun({ ...spec('virtio', { segMax: 2 }), devices: [{ ...spec('virtio', { segMax: 2 }).devices[0]!, workload: { kind: 'block', requests: 8, segments: 4 } }] }), /devices\[0\]\.transport\.params\.segMax: device d0's requests have 4 data segments \(workload\.segments\) but seg_max is 2/);
  const vhost = prepareRun(spec('vhost', {}));
  const qemu = prepareRun(spec('virtio', {}));
  assert.ok(runSimulation(vhost.spec, vhost.profile).scalars['io.completed'] === 8);
  assert.ok(runSimulation(qemu.spec, qemu.profile).scalars['io.completed'] === 8);
});
