// Issue 14, done-when 3: queues of one SMMU are consumed concurrently (up to smmu.cmd_parallelism),
// so two VCMDQs or two ECMDQs fed from different CPUs are busy at overlapping simulated times;
// and CPUs sharing the one main CMDQ (Linux's lock-free insertion: reservation, owner, in-order
// queue) wait on each other more the more of them there are, which per-CPU ECMDQs remove.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../../main/api/runner';
import { runSimulation } from '../../main/engine/run';
import type { RunResult } from '../../main/common/result';

function run(spec: unknown): RunResult {
  const p = prepareRun(spec);
  return runSimulation(p.spec, p.profile);
}

/** n host CPUs, each running one dma_map_benchmark thread on a bare-metal device, strict unmaps. */
function hostBench(n: number, smmu: Record<string, unknown>): RunResult {
  return run({
    duration: '300us',
    host: { arch: 'aarch64', cpus: n, iommus: [{ id: 'smmu0', kind: 'smmuv3', params: smmu }] },
    devices: [{ id: 'd0', hostIommu: 'smmu0', workload: { kind: 'map-bench', threads: n, granule: '4KiB' } }],
  });
}

test('two guest VCMDQs fed from two vCPUs are consumed at overlapping times; one thread never overlaps', () => {
  const guest = (threads: number) =>
    run({
      duration: '300us',
      profile: { base: 'grace-tegra241' },
      host: { arch: 'aarch64', cpus: 8, iommus: [{ id: 'smmu0', kind: 'smmuv3', params: { cmdqv: true } }] },
      vms: [{ id: 'vm0', memory: '4GiB', vcpus: 2, viommus: [{ id: 'v0', kind: 'smmuv3', params: { backing: ['smmu0'], vcmdq: true, vcmdqs: 2 } }] }],
      devices: [{ id: 'd0', vm: 'vm0', viommu: 'v0', hostIommu: 'smmu0', workload: { kind: 'map-bench', threads, granule: '4KiB' } }],
    });
  const two = guest(2);
  const one = guest(1);
  assert.ok(two.scalars['inval.direct.cmds']! > 0, 'the TLBIs went to the VCMDQs');
  assert.ok(two.scalars['smmu.hw_overlap_ns.smmu0']! > 0, `overlap ${two.scalars['smmu.hw_overlap_ns.smmu0']} ns`);
  assert.equal(one.scalars['smmu.hw_overlap_ns.smmu0'], 0, 'one queue in use: nothing to overlap with');
});

test('two host ECMDQs fed from two CPUs overlap; the same two CPUs on the shared CMDQ do not', () => {
  const ecmdq = hostBench(2, { ecmdqs: 2 });
  const shared = hostBench(2, {});
  assert.ok(ecmdq.scalars['smmu.hw_overlap_ns.smmu0']! > 0);
  assert.equal(shared.scalars['smmu.hw_overlap_ns.smmu0'], 0, 'one queue is consumed in order');
  assert.ok(ecmdq.scalars['bench.ops']! > shared.scalars['bench.ops']!, `parallel queues finish more unmaps: ${ecmdq.scalars['bench.ops']} vs ${shared.scalars['bench.ops']}`);
});

test('shared CMDQ: insertion wait grows with the CPU count; ECMDQs (one per CPU) remove it', () => {
  const cpus = [1, 4, 16];
  const shared = cpus.map((n) => hostBench(n, {}).scalars['smmu.cmdq_insert_wait_ns.mean']!);
  const ecmdq = cpus.map((n) => hostBench(n, { ecmdqs: n }).scalars['smmu.cmdq_insert_wait_ns.mean']!);
  assert.equal(shared[0], 0, 'a single CPU waits for nobody');
  for (let i = 1; i < cpus.length; i++) assert.ok(shared[i]! > 2 * shared[i - 1]! + 100, `shared: ${shared.join(' < ')} ns`);
  assert.deepEqual(ecmdq, [0, 0, 0], 'no queue is shared');
});

test('beyond the SMMU\'s parallelism ECMDQ lists wait for an execution slot instead (counted apart)', () => {
  const r = hostBench(16, { ecmdqs: 16 });
  assert.equal(r.scalars['smmu.cmdq_insert_wait_ns.mean'], 0);
  assert.ok(r.scalars['smmu.cmdq_engine_wait_ns.mean']! > 0, '16 queues on smmu.cmd_parallelism = 4 slots');
});
