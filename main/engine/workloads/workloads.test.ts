import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../../api/runner';
import { runSimulation } from '../run';

const vm = { id: 'vm0', memory: '4GiB', vcpus: 4 };

function run(workload: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const p = prepareRun({ duration: '20ms', vms: [vm], devices: [{ id: 'd0', vm: 'vm0', workload }], ...extra });
  return runSimulation(p.spec, p.profile);
}

test("block I/O obeys Little's law: IOPS × mean latency = queue depth", () => {
  const r = run({ kind: 'block', queueDepth: 16, requestSize: '4KiB', serviceTime: { kind: 'exponential', mean: '80us' }, threads: 2 });
  const iops = r.scalars['io.iops']!;
  const meanLatencyS = r.scalars['io.latency_ns.mean']! / 1e9;
  assert.ok(Math.abs((iops * meanLatencyS) / 16 - 1) < 0.03, `L = ${iops * meanLatencyS}`);
  // Latency = submit + map + media + DMA + unmap + complete: media dominates at 80 us.
  assert.ok(r.scalars['io.latency_ns.mean']! > 80_000 && r.scalars['io.latency_ns.mean']! < 90_000);
});

test('a TX NIC drops when the ring is full of unfinished packets', () => {
  const ok = run({ kind: 'nic', direction: 'tx', packetRate: '500Kpps', packetSize: 1500, ringSize: 64 });
  assert.equal(ok.scalars['nic.drops'], 0);
  assert.ok(Math.abs(ok.scalars['nic.pps']! / 500_000 - 1) < 0.03, `pps ${ok.scalars['nic.pps']}`);
  // A slow link (1 Gbit/s) cannot carry 6 Gbit/s of offered load: the ring fills and drops.
  const p = prepareRun({
    duration: '20ms',
    vms: [vm],
    devices: [{ id: 'd0', vm: 'vm0', linkBandwidth: '1Gbps', workload: { kind: 'nic', direction: 'tx', packetRate: '500Kpps', packetSize: 1500, ringSize: 64 } }],
  });
  const slow = runSimulation(p.spec, p.profile);
  assert.ok(slow.scalars['nic.drops']! > 0);
  assert.ok(slow.scalars['dma.throughput_gbps']! <= 1.0001 && slow.scalars['dma.throughput_gbps']! > 0.95, `${slow.scalars['dma.throughput_gbps']}`);
});

test('map-bench with maxOps stops each thread after that many pairs', () => {
  const r = run({ kind: 'map-bench', threads: 3, maxOps: 1000 });
  assert.equal(r.scalars['bench.ops'], 3000);
  assert.equal(r.scalars['map.ops'], 3000);
});

test('a boot-only topology ends when boot ends', () => {
  const r = run({ kind: 'boot' });
  assert.equal(r.simTimeNs, 100_000, 'one probe of guest.probe_ns, no measured phase');
  assert.equal(r.scalars['boot.dma_setup_ns'], 0);
});

test("devices' threads take consecutive vCPUs in device order, wrapping around", () => {
  const twoDevices = (vcpus: number) => {
    const bench = { kind: 'map-bench', threads: 1, dmaBytes: 0 };
    const p = prepareRun({
      duration: '1ms',
      vms: [{ id: 'vm0', memory: '4GiB', vcpus }],
      devices: [
        { id: 'a', vm: 'vm0', workload: bench },
        { id: 'b', vm: 'vm0', workload: bench },
      ],
    });
    return runSimulation(p.spec, p.profile).scalars['ops.per_sec']!;
  };
  // CPU-bound map+unmap (70 ns of guest CPU per pair): on their own vCPUs the two devices double
  // the rate; with one vCPU they take turns on it.
  const spread = twoDevices(2);
  const shared = twoDevices(1);
  assert.ok(Math.abs(spread / shared - 2) < 0.02, `spread ${spread} vs shared ${shared}`);
});
