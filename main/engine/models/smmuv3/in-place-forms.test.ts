// The in-place forms of PhysicalSmmu.execute and translate, and of LockFreeCmdq.issue (all work done
// at call time, a finished generator back: kernel/finished.ts), against their generator forms: the same scenario run with merged
// delays (holds charged in place where nothing else is queued first) and without (every
// Environment.advance refuses, so every call takes the generator of the rest) must give the same
// instants, the same answers and the same metrics. Contended queues, a busy engine, full queues,
// IOTLB hits, walks, faults and invalidations between them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment, type ProcessGenerator } from '../../kernel';
import { Rng } from '../../kernel/rng';
import { Costs } from '../../costs/costs';
import { Metrics } from '../../metrics/collector';
import type { ResolvedProfile } from '../../../common/profile/profile';
import { RadixPageTable, tablePageAllocator } from '../../mem/radix-page-table';
import { smmuv3HostParams } from './params';
import { HostSmmuDriver } from './host-driver';
import { PhysicalSmmu } from './physical-smmu';
import { command, type Command } from './commands';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

function profile(parallelism: number): Costs {
  const ns = ['smmu.mem_read_ns', 'smmu.iotlb_hit_ns', 'smmu.cmd_fetch_ns', 'smmu.tlbi_ns', 'smmu.cfgi_ns', 'smmu.atc_inv_ns', 'smmu.sync_ns', 'host.smmu_cmd_insert_ns', 'host.smmu_cmdq_atomic_ns', 'host.smmu_cmdq_prod_write_ns', 'host.smmu_cmdq_cons_read_ns', 'host.smmu_cmdq_msi_wait_ns', 'smmu.tlbi_range_ns', 'smmu.tlbi_wide_ns'];
  return new Costs({
    id: 't',
    chain: ['t'],
    params: {
      ...Object.fromEntries(ns.map((n, i) => [n, { value: (i * 7) % 5 === 0 ? 0 : 5 * (i + 1), unit: 'ns', source: 'test', from: 't' }])),
      'smmu.cmd_parallelism': { value: parallelism, unit: 'count', source: 'test', from: 't' },
    },
  } as ResolvedProfile);
}

/** One run: issuers on several CPUs (shared CMDQ or ECMDQs), devices translating, all with random think times. */
function scenario(mergeDelays: boolean, seed: number, hostParams: Record<string, unknown>, parallelism: number, thinkNs = 15): unknown {
  const env = new Environment(seed, { mergeDelays });
  const metrics = new Metrics(1000);
  const costs = profile(parallelism);
  const smmu = new PhysicalSmmu(env, 'smmu0', smmuv3HostParams.parse(hostParams), costs, metrics, 'smmu0');
  const drv = new HostSmmuDriver(smmu, costs, metrics);
  const s1 = new RadixPageTable(4, tablePageAllocator(1 * GiB, 64 * MiB, 's1'));
  const s2 = new RadixPageTable(4, tablePageAllocator(2 ** 46, 2 ** 40, 's2'));
  s2.map(0, 16 * GiB, 4 * GiB, 2 * MiB);
  const pages = 24;
  for (let p = 0; p < pages; p += 2) s1.map(p * 4096, 0x100_0000 + p * 4096, 4096); // odd pages fault
  smmu.installSte(0, { vmid: 1, s2, cd: { asid: 1, s1, cdIpas: [GiB - 4096] } });
  smmu.installSte(1, { vmid: 1, s2, cd: null });
  const log: (string | number | boolean)[] = [];
  const rng = new Rng(seed, 'in-place-test');
  const think = (): number => Math.floor(rng.float() * 4) * thinkNs;
  function* issuer(cpu: number): ProcessGenerator<void> {
    for (let i = 0; i < 25; i++) {
      yield think();
      const k = Math.floor(rng.float() * 3);
      const cmds: Command[] =
        k === 0 ? [command('TLBI_NH_VA', 1, 1, undefined, Math.floor(rng.float() * pages) * 4096, 4096)] : k === 1 ? [command('TLBI_NH_ASID', 1, 1)] : [command('CFGI_STE', undefined, undefined, Math.floor(rng.float() * 2))];
      yield* drv.issue(cmds, cpu, 'host');
      log.push(`i${cpu}`, env.now);
    }
  }
  function* device(sid: number): ProcessGenerator<void> {
    for (let i = 0; i < 60; i++) {
      yield think();
      const ok = yield* smmu.translate(sid, Math.floor(rng.float() * pages) * 4096);
      log.push(`d${sid}`, env.now, ok);
    }
  }
  for (let c = 0; c < 3; c++) env.process(issuer(c));
  env.process(device(0));
  env.process(device(0));
  env.process(device(1));
  env.run();
  return { log, end: env.now, metrics: metrics.collect() };
}

test('execute and translate in place give what their generator forms give (merged delays vs none)', () => {
  const configs: [Record<string, unknown>, number][] = [
    [{}, 1],
    [{ cmdqLog2: 2, iotlbEntries: 3, walkCacheEntries: 2 }, 1],
    [{ ecmdqs: 2, cmdqLog2: 2 }, 1],
    [{ ecmdqs: 3, msiSync: false, iotlbEntries: 1, walkCacheEntries: 1 }, 2],
    [{ cmdqv: true, hostVcmdqs: 2, cmdqLog2: 3 }, 2],
  ];
  for (const [params, parallelism] of configs) {
    for (const seed of [1, 2, 3]) {
      const merged = scenario(true, seed, params, parallelism);
      const queued = scenario(false, seed, params, parallelism);
      assert.deepEqual(merged, queued, `${JSON.stringify(params)} ×${parallelism}, seed ${seed}`);
    }
  }
});

test('an issuer alone on its queue issues in place (LockFreeCmdq.issueInPlace) what the generator form gives (merged delays vs none)', () => {
  // Think times long against an issue's holds: most lists find the queue to themselves, often
  // with nothing queued before their sync is seen (all in place), sometimes with a device's
  // translation or another issuer due in the middle (the rest as a generator).
  const configs: [Record<string, unknown>, number][] = [
    [{}, 1],
    [{ msiSync: false }, 1],
    [{ ecmdqs: 2 }, 1],
    [{ cmdqv: true, hostVcmdqs: 1, cmdqLog2: 3 }, 2],
  ];
  for (const [params, parallelism] of configs) {
    for (const [seed, thinkNs] of [[1, 400], [2, 900], [3, 2500], [4, 100]] as const) {
      const merged = scenario(true, seed, params, parallelism, thinkNs);
      const queued = scenario(false, seed, params, parallelism, thinkNs);
      assert.deepEqual(merged, queued, `${JSON.stringify(params)} ×${parallelism}, seed ${seed}, think ${thinkNs}`);
    }
  }
});
