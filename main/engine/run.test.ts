import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { prepareRun } from '../api/runner';
import { canonicalJson } from '../common/result';
import { runSimulation } from './run';

const baseline = JSON.parse(readFileSync(new URL('../../resources/examples/baseline.json', import.meta.url), 'utf8'));

function run(overrides: [string, unknown][] = [], seed?: number) {
  const p = prepareRun(baseline, { sets: [['duration', '2ms'], ...overrides], seed });
  return runSimulation(p.spec, p.profile);
}

test('the same spec, profile and seed give byte-identical results; another seed a different one', () => {
  const a = canonicalJson(run());
  const b = canonicalJson(run());
  assert.equal(a, b);
  const c = canonicalJson(run([], 43));
  assert.notEqual(a, c);
});

test('the baseline reports throughput and latency quantiles', () => {
  const r = run();
  for (const name of ['dma.throughput_gbps', 'map.latency_ns.p50', 'map.latency_ns.p99', 'nic.latency_ns.p99', 'ops.per_sec', 'nic.pps']) {
    assert.ok(Number.isFinite(r.scalars[name]), `${name} missing`);
  }
  assert.equal(r.scalars['faults.dma'], 0);
  // dma-direct map cost is exactly the profile's (no IOMMU, no contention on a dedicated vCPU at p50).
  assert.equal(r.scalars['map.latency_ns.p50'], 40);
});

test('the NIC delivers its offered load when the guest keeps up, and drops when it cannot', () => {
  const ok = run();
  const offered = ok.scalars['nic.offered_gbps']!;
  const delivered = (ok.scalars['nic.pps']! * 1500 * 8) / 1e9;
  assert.ok(Math.abs(delivered / offered - 1) < 0.05, `delivered ${delivered} of ${offered} Gbit/s`);
  assert.equal(ok.scalars['nic.drops'], 0);
  // 20 us of stack work per packet on 2 queues caps the guest near 100 kpps, far below 2 Mpps offered.
  const slow = run([['devices[1].workload.perPacketCpu', '20us']]);
  assert.ok(slow.scalars['nic.drops']! > 0);
  assert.ok(slow.scalars['nic.pps']! < 110_000 && slow.scalars['nic.pps']! > 90_000, `pps ${slow.scalars['nic.pps']}`);
});

test('CPU-bound threads sharing one vCPU queue behind each other; on two vCPUs they double the rate', () => {
  const bench = (vcpus: number, threads: number) =>
    run([
      ['devices', [baseline.devices[0]]],
      ['vms[0].vcpus', vcpus],
      ['devices[0].workload.threads', threads],
      ['devices[0].workload.dmaBytes', 0],
    ]).scalars['ops.per_sec']!;
  const one = bench(1, 1);
  const sharedVcpu = bench(1, 2);
  const twoVcpus = bench(2, 2);
  assert.ok(Math.abs(sharedVcpu / one - 1) < 0.01, `1 vCPU: ${one} vs ${sharedVcpu}`);
  assert.ok(Math.abs(twoVcpus / one - 2) < 0.02, `2 vCPUs: ${twoVcpus} vs ${one}`);
  // map 40 ns + unmap 30 ns of guest CPU per pair: about 14.3 M pairs/s on one vCPU.
  assert.ok(Math.abs(one - 1e9 / 70) / (1e9 / 70) < 0.01, `ops/s ${one}`);
});
