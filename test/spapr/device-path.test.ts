import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../../main/api/runner';
import { Costs } from '../../main/engine/costs/costs';
import { Environment, type ProcessGenerator } from '../../main/engine/kernel';
import { Machine } from '../../main/engine/machine/machine';
import { Metrics } from '../../main/engine/metrics/collector';
import type { DmaPath, Mapping } from '../../main/engine/dma/path';
import { hostKernel } from '../../main/engine/models/spapr/hcall-path';
import { runSimulation } from '../../main/engine/run';
import { fromBigInt, toBigInt } from '../../main/engine/mem/addr';
import { SPAPR_METRICS } from '../../main/engine/models/spapr/metrics';

/** A mapping's bus address as one exact bigint. */
const busOf = (m: Mapping): bigint => toBigInt(m.iovaPfn, m.iovaOff);

function machine(params: Record<string, unknown>, memory = '4GiB', confidential = 'none'): { env: Environment; m: Machine; metrics: Metrics; notes: string[] } {
  const p = prepareRun({
    profile: { base: 'power9-kvm' },
    host: { arch: 'ppc64le', cpus: 8 },
    vms: [{ id: 'g', memory, maxMemory: '8GiB', vcpus: 2, confidential, viommus: [{ id: 'phb0', kind: 'spapr-tce', params }] }],
    devices: [{ id: 'd', vm: 'g', viommu: 'phb0', workload: { kind: 'boot' } }],
  });
  const env = new Environment(1);
  const metrics = new Metrics(1000);
  const notes: string[] = [];
  const m = new Machine(env, p.spec, new Costs(p.profile), metrics, (t) => notes.push(t));
  return { env, m, metrics, notes };
}

function drive<T>(env: Environment, gen: ProcessGenerator<T>): T {
  const proc = env.process(gen);
  env.process(
    (function* () {
      yield proc;
      env.stop();
    })(),
  );
  env.run();
  return proc.value;
}

function* onCpu<T>(m: Machine, body: (path: DmaPath) => ProcessGenerator<T>): ProcessGenerator<T> {
  const dev = m.devices[0]!;
  return yield* dev.vm.vcpu(0).run(body(dev.path));
}

test('dynamic window: translation valid while mapped, a fault after unmap, and write needs write permission', () => {
  const { env, m } = machine({ ddw: false, hcallPath: 'kvm-real' });
  const path = m.devices[0]!.path;
  drive(env, onCpu(m, (p) => p.probe(m.devices[0]!.vm.vcpu(0))));
  const cpu = m.devices[0]!.vm.vcpu(0);
  const rx = drive(env, onCpu(m, (p) => p.map(cpu, 0x20000000, 2048, 'from-device')))!;
  const tx = drive(env, onCpu(m, (p) => p.map(cpu, 0x20010000, 2048, 'to-device')))!;
  assert.ok(busOf(rx) > 0n && busOf(rx) < 2n ** 30n, 'inside the 1 GiB default window');
  assert.equal(drive(env, path.translate(rx.iovaPfn, rx.iovaOff, 2048, true)), true);
  assert.equal(drive(env, path.translate(tx.iovaPfn, tx.iovaOff, 2048, false)), true);
  assert.equal(drive(env, path.translate(tx.iovaPfn, tx.iovaOff, 2048, true)), false, 'device write through a read-only TCE');
  assert.equal(drive(env, path.translate(rx.iovaPfn + 1, rx.iovaOff, 16, true)), false, 'beyond the mapped page');
  drive(env, onCpu(m, (p) => p.unmap(cpu, rx as Mapping)));
  assert.equal(drive(env, path.translate(rx.iovaPfn, rx.iovaOff, 2048, true)), false, 'DMA to a cleared TCE faults');
});

test('direct window: bus address = window offset + guest address, no hypercall per map', () => {
  const { env, m, metrics } = machine({ hcallPath: 'kvm-real' });
  const cpu = m.devices[0]!.vm.vcpu(0);
  drive(env, onCpu(m, (p) => p.probe(cpu)));
  const before = metrics.counter(SPAPR_METRICS.hcallsOf.of('h_put_tce')).value + metrics.counter(SPAPR_METRICS.hcallsOf.of('h_put_tce_indirect')).value;
  const map = drive(env, onCpu(m, (p) => p.map(cpu, 0x12345000, 8192, 'bidirectional')))!;
  assert.equal(busOf(map), 2n ** 59n + 0x12345000n);
  assert.equal(metrics.counter(SPAPR_METRICS.hcallsOf.of('h_put_tce')).value + metrics.counter(SPAPR_METRICS.hcallsOf.of('h_put_tce_indirect')).value, before);
  assert.equal(drive(env, m.devices[0]!.path.translate(map.iovaPfn, map.iovaOff, 4096, true)), true);
});

test('each handling path charges its own resource: vCPU only (real mode), host kernel (virtual mode), VMM thread (QEMU)', () => {
  const busy = (path: string): { vmm: number; kernel: number; t: number } => {
    const { env, m } = machine({ ddw: false, hcallPath: path, dmaWindowSize: '64MiB' });
    drive(env, onCpu(m, (p) => p.probe(m.devices[0]!.vm.vcpu(0))));
    return { vmm: m.devices[0]!.vm.vmmThread.busyNs(), kernel: hostKernel(env, 8).busyNs(), t: env.now };
  };
  const real = busy('kvm-real');
  const virt = busy('kvm-virtual');
  const qemu = busy('qemu');
  assert.equal(real.vmm + real.kernel, 0);
  assert.ok(virt.kernel > 0 && virt.vmm === 0);
  assert.ok(qemu.vmm > 0 && qemu.kernel === 0);
  assert.ok(real.t < virt.t && virt.t < qemu.t, `real ${real.t} < virtual ${virt.t} < qemu ${qemu.t}`);
});

test('no free window: Linux removes the unused default window and retries; the DDW takes bus address 0', () => {
  const { env, m, metrics } = machine({ maxWindows: 1, hcallPath: 'kvm-real' });
  const cpu = m.devices[0]!.vm.vcpu(0);
  drive(env, onCpu(m, (p) => p.probe(cpu)));
  assert.equal(metrics.counter(SPAPR_METRICS.rtasOf.of('remove_pe_dma_window')).value, 1);
  assert.equal(metrics.counter(SPAPR_METRICS.rtasOf.of('query_pe_dma_window')).value, 2);
  const map = drive(env, onCpu(m, (p) => p.map(cpu, 0x1000, 4096, 'bidirectional')))!;
  assert.equal(busOf(map), 0x1000n, 'direct window at bus address 0');
});

test('memory hot-plug maps the new range into the direct window', () => {
  const { env, m, metrics } = machine({ hcallPath: 'kvm-real', memoryHotplug: [{ at: '1s', size: '2GiB' }] });
  const cpu = m.devices[0]!.vm.vcpu(0);
  drive(env, onCpu(m, (p) => p.probe(cpu)));
  const tces = metrics.counter(SPAPR_METRICS.hcallsTcesOf.of('h_put_tce_indirect')).value;
  assert.equal(tces, (4 * 2 ** 30) / 2 ** 24);
  env.run();
  assert.equal(metrics.counter(SPAPR_METRICS.hcallsTcesOf.of('h_put_tce_indirect')).value - tces, (2 * 2 ** 30) / 2 ** 24);
  const dev = m.devices[0]!;
  assert.equal(drive(env, dev.path.translate(fromBigInt(2n ** 59n + 5n * 2n ** 30n).pfn, 0, 4096, true)), true, 'hot-plugged memory is DMA-reachable');
});

test('a non-PEF confidential guest cannot sit behind an sPAPR PHB', () => {
  assert.throws(() => machine({}, '4GiB', 'tdx'), /vms\[0\]\.confidential/);
});

test('a multi-page map on a dynamic window: ≤ 512 TCEs per H_PUT_TCE_INDIRECT, unmap by H_STUFF_TCE batches', () => {
  const { env, m, metrics } = machine({ ddw: false, hcallPath: 'kvm-real' });
  const cpu = m.devices[0]!.vm.vcpu(0);
  drive(env, onCpu(m, (p) => p.probe(cpu)));
  const stuffAtBoot = metrics.counter(SPAPR_METRICS.hcallsOf.of('h_stuff_tce')).value;
  const map = drive(env, onCpu(m, (p) => p.map(cpu, 0x20000000, 768 * 4096, 'to-device')))!;
  assert.equal(metrics.counter(SPAPR_METRICS.hcallsOf.of('h_put_tce_indirect')).value, 2);
  assert.equal(metrics.counter(SPAPR_METRICS.hcallsTcesOf.of('h_put_tce_indirect')).value, 768);
  assert.equal(drive(env, m.devices[0]!.path.translate(map.iovaPfn, map.iovaOff + 767 * 4096, 4096, false)), true);
  drive(env, onCpu(m, (p) => p.unmap(cpu, map)));
  assert.equal(metrics.counter(SPAPR_METRICS.hcallsOf.of('h_stuff_tce')).value - stuffAtBoot, 2);
  assert.equal(drive(env, m.devices[0]!.path.translate(map.iovaPfn, map.iovaOff, 4096, false)), false);
});

test('without PUT_TCE_IND and STUFF_TCE the same map is one H_PUT_TCE per page, both ways', () => {
  const { env, m, metrics } = machine({ ddw: false, hcallPath: 'kvm-real', clearDefaultWindow: false, firmwareFeatures: { putTceInd: false, stuffTce: false } });
  const cpu = m.devices[0]!.vm.vcpu(0);
  drive(env, onCpu(m, (p) => p.probe(cpu)));
  const map = drive(env, onCpu(m, (p) => p.map(cpu, 0x20000000, 768 * 4096, 'to-device')))!;
  drive(env, onCpu(m, (p) => p.unmap(cpu, map)));
  assert.equal(metrics.counter(SPAPR_METRICS.hcallsOf.of('h_put_tce')).value, 2 * 768);
  assert.equal(metrics.counter(SPAPR_METRICS.hcallsOf.of('h_put_tce_indirect')).value, 0);
});

test('removing the default window cleans it with H_STUFF_TCE even without the STUFF_TCE feature', () => {
  const { env, m, metrics } = machine({ maxWindows: 1, hcallPath: 'kvm-real', clearDefaultWindow: false, firmwareFeatures: { putTceInd: true, stuffTce: false } });
  drive(env, onCpu(m, (p) => p.probe(m.devices[0]!.vm.vcpu(0))));
  assert.equal(metrics.counter(SPAPR_METRICS.hcallsOf.of('h_stuff_tce')).value, 2 ** 30 / 4096 / 512);
  assert.equal(metrics.counter(SPAPR_METRICS.hcallsOf.of('h_put_tce')).value, 0);
});

test('seed 001: virtio without ACCESS_PLATFORM bypasses the TCEs at run time (the PHB still sets the device up at probe)', () => {
  const mk = (accessPlatform: boolean, workload: unknown): unknown => ({
    profile: { base: 'power9-kvm' },
    host: { arch: 'ppc64le' },
    vms: [{ id: 'g', memory: '4GiB', viommus: [{ id: 'phb0', kind: 'spapr-tce', params: { ddw: false } }] }],
    devices: [{ id: 'v', vm: 'g', kind: 'virtio-net', attach: 'virtio', transport: { kind: 'virtio', params: { accessPlatform } }, viommu: 'phb0', workload }],
  });
  const hcalls = (r: { scalars: Record<string, number> }) => Object.entries(r.scalars).filter(([k]) => /^hcalls\.h_/.test(k)).reduce((n, [, v]) => n + v, 0);
  const run = (ap: boolean, w: unknown) => {
    const p = prepareRun(mk(ap, w));
    return runSimulation(p.spec, p.profile);
  };
  const bootOnly = run(false, { kind: 'boot' });
  const bypass = run(false, { kind: 'map-bench', maxOps: 50 });
  assert.equal(bypass.scalars['bench.ops'], 50);
  assert.equal(hcalls(bypass), hcalls(bootOnly), 'no hypercall after probe');
  const translated = run(true, { kind: 'map-bench', maxOps: 50 });
  // The ring's coherent mapping at probe, then one H_PUT_TCE per map and one per unmap in the default window.
  assert.equal(hcalls(translated) - hcalls(bootOnly), 1 + 100);
});

test('exact 64-bit bus addresses: a DMA at 2^59 + 2 MiB − 50 is in page 0 of a 2 MiB-page window at 2^59', () => {
  // A 16-entry dynamic DDW (the largest block forces it) of 2 MiB pages at the default 64-bit address 2^59.
  const { env, m } = machine({ hcallPath: 'kvm-real', ddwPageSizes: ['2MiB'], ddwLargestBlock: 16 });
  const cpu = m.devices[0]!.vm.vcpu(0);
  const path = m.devices[0]!.path;
  drive(env, onCpu(m, (p) => p.probe(cpu)));
  const map = drive(env, onCpu(m, (p) => p.map(cpu, 2 * 2 ** 20 - 50, 40, 'from-device')))!;
  const edge = 2n ** 59n + 2n * 2n ** 20n - 50n;
  assert.equal(busOf(map), edge, 'window page 0 plus the buffer offset, to the byte (a double would say 2^59 + 2 MiB)');
  const { pfn, off } = fromBigInt(edge);
  assert.equal(drive(env, path.translate(pfn, off, 50, true)), true, 'the last 50 bytes of page 0 are mapped');
  assert.equal(drive(env, path.translate(pfn, off, 51, true)), false, 'one byte more reaches page 1, which is not');
  assert.equal(drive(env, path.translate(fromBigInt(2n ** 59n + 2n * 2n ** 20n).pfn, 0, 1, true)), false, 'page 1 starts exactly at 2^59 + 2 MiB');
  drive(env, onCpu(m, (p) => p.unmap(cpu, map)));
  assert.equal(drive(env, path.translate(pfn, off, 50, true)), false, 'unmapped by its exact address');
  assert.throws(() => drive(env, onCpu(m, (p) => p.unmap(cpu, map))), /0x8000000001fffce that is not mapped/);
});
