// The workloads drive an instant path (dma-direct: DmaPath.instant, DeviceRuntime.dmaSteps) from
// their own processes instead of through the calls' generators. That must be the same work at
// the same instants: the same devices behind a path that hides `instant` (generators only) give
// the same metrics, only more kernel events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../../api/runner';
import { Environment, type ProcessGenerator } from '../kernel';
import { Costs } from '../costs/costs';
import { Metrics } from '../metrics/collector';
import { DirectPath } from '../dma/direct';
import type { DmaPath, Direction, Mapping } from '../dma/path';
import { DeviceRuntime } from '../machine/device';
import { VmRuntime } from '../machine/vm';
import type { Vcpu } from '../machine/vcpu';
import { startWorkload } from '.';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringSource } from '../../common/trace/reader';

/** dma-direct through its generators only. */
class GeneratorsOnly implements DmaPath {
  readonly name = 'dma-direct (generators only)';
  constructor(private readonly inner: DirectPath) {}
  *probe(cpu: Vcpu): ProcessGenerator<void> {
    yield* this.inner.probe(cpu);
  }
  *map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null> {
    return yield* this.inner.map(cpu, gpa, bytes, dir);
  }
  *unmap(cpu: Vcpu, m: Mapping): ProcessGenerator<void> {
    yield* this.inner.unmap(cpu, m);
  }
  *translate(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
    return yield* this.inner.translate(pfn, off, bytes, write);
  }
}

/** Generators, and a device side that answers at once (DmaPath.translateNow, tried by DeviceRuntime.dma). */
class GeneratorsTranslateNow extends GeneratorsOnly {
  readonly translateNow: (pfn: number, off: number, bytes: number, write: boolean) => boolean;
  constructor(inner: DirectPath) {
    super(inner);
    this.translateNow = (pfn, off, bytes, write) => inner.translateNow(pfn, off, bytes, write);
  }
}

const TRACE = readFileSync(join(import.meta.dirname, '..', '..', '..', 'resources', 'traces', 'debian-6.12-nvme-vtd.trace'), 'utf8');

function run(instant: boolean | 'translate-now', devices: Record<string, unknown>[], linkBandwidth?: string, duration = '3ms') {
  const p = prepareRun({ duration, profile: { base: 'kvm-x86-2024', overrides: { 'device.max_dma_bytes': 1024 } }, vms: [{ id: 'vm0', memory: '4GiB', vcpus: 2 }], devices: devices.map((d) => ({ vm: 'vm0', linkBandwidth, ...d })) });
  const env = new Environment(p.spec.seed);
  const costs = new Costs(p.profile);
  const metrics = new Metrics(10_000);
  const vm = new VmRuntime(env, p.spec.vms[0]!);
  const endAt = p.spec.duration;
  p.spec.devices.forEach((d, i) => {
    const direct = new DirectPath(costs);
    // Both devices on vCPU 0 (with two threads or queues: 0 and 1), so they contend for it.
    const path = instant === true ? direct : instant === false ? new GeneratorsOnly(direct) : new GeneratorsTranslateNow(direct);
    const dev = new DeviceRuntime(env, d, vm, path, costs, metrics, 0);
    assert.equal(dev.dmaSteps() === null, instant !== true, `device ${i}`);
    startWorkload(d.workload, { env, costs, metrics, device: dev, endAt, note: () => {}, finished: () => {}, atEnd: () => {}, openTrace: () => stringSource(TRACE, 4096) });
  });
  env.run(endAt);
  return { now: env.now, events: env.events, result: metrics.collect() };
}

test('map-bench and an rx NIC on an instant path do the same work at the same instants as through generators', () => {
  const devices = [
    { id: 'bench', workload: { kind: 'map-bench', threads: 2, granule: '16KiB', dmaBytes: '12KiB' } },
    { id: 'nic', workload: { kind: 'nic', direction: 'rx', bitrate: '25Gbps', packetSize: 3000, bufferSize: 2048, ringSize: 64, queues: 2, arrivals: 'poisson' } },
  ];
  // A slow link makes DMAs queue for it (the steps' link grants); 1 KiB pieces split every DMA,
  // and a 3000-byte packet takes two receive buffers.
  for (const link of [undefined, '5Gbps']) {
    const a = run(true, devices, link);
    const b = run(false, devices, link);
    assert.deepEqual(a.result, b.result, `link ${link}`);
    assert.deepEqual(run('translate-now', devices, link).result, b.result, `link ${link}, translateNow`);
    assert.equal(a.now, b.now);
    assert.ok(a.result.scalars['bench.ops']! > 100 && a.result.scalars['nic.packets']! > 100, JSON.stringify(a.result.scalars));
    assert.ok(a.events <= b.events, `${a.events} events with the steps, ${b.events} through generators`);
  }
});

test('a trace replay on an instant path does the same work at the same instants as through generators', () => {
  // The captured trace (1,451 maps and unmaps over ~1 s) on two lanes: back to back sharing vCPU 0
  // with a map-bench thread, and as recorded (alone, over its whole second), with and without the
  // device's DMA before each unmap.
  for (const timing of ['closed-loop', 'as-recorded'])
    for (const deviceDma of ['before-unmap', 'none']) {
      const trace = { id: 'tr', workload: { kind: 'trace', file: 'debian-6.12-nvme-vtd.trace', timing, cpus: 2, deviceDma } };
      const bench = { id: 'bench', workload: { kind: 'map-bench', threads: 1, granule: '4KiB', dmaBytes: '4KiB' } };
      const [devices, duration] = timing === 'closed-loop' ? [[trace, bench], '3ms'] : [[trace], '1100ms'];
      const a = run(true, devices, undefined, duration);
      const b = run(false, devices, undefined, duration);
      assert.deepEqual(a.result, b.result, `${timing}, ${deviceDma}`);
      assert.equal(a.now, b.now);
      assert.equal(a.result.scalars['trace.events'], 1451, JSON.stringify(a.result.scalars));
      if (timing === 'closed-loop') assert.ok(a.result.scalars['bench.ops']! > 100);
      assert.ok(a.events <= b.events, `${a.events} events with the lanes' own calls, ${b.events} through generators`);
    }
});

test('the NIC wire as callbacks gives the same run when entries tie: arrivals exactly one DMA latency apart', () => {
  // device.dma_latency_ns is 600: every packet's write ends its latency hold at the instant the
  // next packet arrives (the wire's hold), and with two queues both queues' entries tie too:
  // every tie is broken by insertion order, which the callbacks must reproduce.
  const nic = (queues: number) => [{ id: 'nic', workload: { kind: 'nic', direction: 'rx', packetRate: `${(queues * 1e9) / 600}pps`, packetSize: 1500, ringSize: 16, queues } }];
  for (const queues of [1, 2]) {
    const a = run(true, nic(queues));
    const b = run(false, nic(queues));
    assert.deepEqual(a.result, b.result, `${queues} queues`);
    assert.ok(a.result.scalars['nic.packets']! > 1000, JSON.stringify(a.result.scalars));
  }
});

/**
 * DeviceRuntime.dma as it was written before it drove DeviceDma's steps: the general path the
 * steps must reproduce, kept here as the reference.
 */
function* referenceDma(dev: DeviceRuntime, pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
  const env = dev.env;
  const start = env.now;
  if (!env.advance(dev.latencyNs)) yield dev.latencyNs;
  for (let done = 0; done < bytes; done += dev.maxChunk) {
    const len = Math.min(dev.maxChunk, bytes - done);
    const now = dev.path.translateNow?.(pfn, off + done, len, write);
    const ok = now !== undefined ? now : yield* dev.path.translate(pfn, off + done, len, write);
    if (!ok) {
      dev.ended(start, false);
      return false;
    }
    if (!dev.link.tryAcquire()) yield dev.link.request();
    const xfer = Math.ceil(len / dev.bytesPerNs);
    if (!env.advance(xfer)) yield xfer;
    dev.link.release();
    dev.moved(len);
  }
  dev.ended(start, true);
  return true;
}

// dma-direct whose device side faults on frames ≡ 3 mod 4 (both ways): 2500 bytes at offset
// 3500 in 1 KiB pieces cross a frame, so some DMAs fault after a piece has moved.
const faultsOn = (pfn: number, off: number): boolean => (pfn + Math.floor(off / 4096)) % 4 !== 3;
class Faulty extends DirectPath {
  override translateNow(pfn: number, off: number): boolean {
    return faultsOn(pfn, off);
  }
  override *translate(pfn: number, off: number): ProcessGenerator<boolean> {
    return this.translateNow(pfn, off);
  }
}
/** Not instant: translating takes 70 ns on even frames (a walk) and is answered at once on odd ones. */
class SlowOnEven extends GeneratorsOnly {
  readonly translateNow = (pfn: number, off: number): boolean | undefined => ((pfn + Math.floor(off / 4096)) % 2 === 1 ? faultsOn(pfn, off) : undefined);
  constructor(private readonly env: Environment, costs: Costs) {
    super(new DirectPath(costs));
  }
  override *translate(pfn: number, off: number): ProcessGenerator<boolean> {
    if (!this.env.advance(70)) yield 70;
    return faultsOn(pfn, off);
  }
}
/** Not instant, no translateNow: every piece's translation is a generator that takes 30 ns. */
class SlowAlways extends GeneratorsOnly {
  constructor(private readonly env: Environment, costs: Costs) {
    super(new DirectPath(costs));
  }
  override *translate(pfn: number, off: number): ProcessGenerator<boolean> {
    yield 30;
    return faultsOn(pfn, off);
  }
}

// DeviceRuntime.dma is the shared form of driving DeviceDma's steps from a process (map-bench and
// the NIC's rx engines write its loop out; the workload tests above compare those runs).
test('DeviceRuntime.dma (DeviceDma steps) and the reference generator agree on faults, pieces, translations and link waits', () => {
  const go = (kind: 'instant' | 'slow-on-even' | 'slow-always', reference: boolean) => {
    const p = prepareRun({ duration: '1ms', profile: { base: 'kvm-x86-2024', overrides: { 'device.max_dma_bytes': 1024 } }, vms: [{ id: 'vm0', memory: '4GiB', vcpus: 2 }], devices: [{ id: 'd', vm: 'vm0', workload: { kind: 'boot' } }] });
    const env = new Environment(1);
    const costs = new Costs(p.profile);
    const metrics = new Metrics(10_000);
    const path = kind === 'instant' ? new Faulty(costs) : kind === 'slow-on-even' ? new SlowOnEven(env, costs) : new SlowAlways(env, costs);
    const dev = new DeviceRuntime(env, p.spec.devices[0]!, new VmRuntime(env, p.spec.vms[0]!), path, costs, metrics, 0);
    assert.equal(dev.dmaSteps() === null, kind !== 'instant');
    const log: string[] = [];
    for (let t = 0; t < 3; t++) {
      env.process(
        (function* () {
          for (let i = 0; i < 20; i++) {
            const pfn = t * 100 + i;
            const ok = yield* (reference ? referenceDma(dev, pfn, 3500, 2500, true) : dev.dma(pfn, 3500, 2500, true));
            log.push(`${t}:${i}:${ok}@${env.now}`);
          }
        })(),
      );
    }
    env.run();
    return { log, result: metrics.collect() };
  };
  for (const kind of ['instant', 'slow-on-even', 'slow-always'] as const) {
    const ref = go(kind, true);
    assert.deepEqual(go(kind, false), ref, `${kind}: dma()`);
    assert.ok(ref.result.scalars['faults.dma']! > 5 && ref.result.scalars['dma.transactions']! > 20, JSON.stringify(ref.result.scalars));
  }
  // The instant path's steps (dmaSteps, which callbacks drive) never leave a translation.
  const env = new Environment(1);
  const p = prepareRun({ duration: '1ms', vms: [{ id: 'vm0', memory: '4GiB', vcpus: 2 }], devices: [{ id: 'd', vm: 'vm0', workload: { kind: 'boot' } }] });
  const costs = new Costs(p.profile);
  const dev = new DeviceRuntime(env, p.spec.devices[0]!, new VmRuntime(env, p.spec.vms[0]!), new Faulty(costs), costs, new Metrics(10_000), 0);
  const op = dev.dmaSteps()!;
  let y = op.begin(7, 3500, 2500, true);
  while (y !== null) y = op.next();
  assert.equal(op.translating, false);
  assert.equal(op.ok, false); // frame 7 ≡ 3 mod 4 faults
});
