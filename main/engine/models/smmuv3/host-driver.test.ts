import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment } from '../../kernel';
import { Costs } from '../../costs/costs';
import { Metrics } from '../../metrics/collector';
import type { ResolvedProfile } from '../../../common/profile/profile';
import { smmuv3HostParams } from './params';
import { HostSmmuDriver } from './host-driver';
import { PhysicalSmmu } from './physical-smmu';
import { rangeChunks, tlbiForRange } from './tlbi-range';
import { s1Tag, s2Tag } from './translation-caches';
import { SMMUV3_METRICS } from './metrics';

const costs = new Costs({
  id: 't',
  chain: ['t'],
  params: {
    ...Object.fromEntries(
    ['smmu.mem_read_ns', 'smmu.iotlb_hit_ns', 'smmu.cmd_fetch_ns', 'smmu.tlbi_ns', 'smmu.cfgi_ns', 'smmu.atc_inv_ns', 'smmu.sync_ns', 'host.smmu_cmd_insert_ns', 'host.smmu_cmdq_atomic_ns', 'host.smmu_cmdq_prod_write_ns', 'host.smmu_cmdq_cons_read_ns', 'host.smmu_cmdq_msi_wait_ns', 'smmu.tlbi_range_ns', 'smmu.tlbi_wide_ns'].map((n, i) => [
        n,
        { value: 10 * (i + 1), unit: 'ns', source: 'test', from: 't' },
      ]),
    ),
    'smmu.cmd_parallelism': { value: 1, unit: 'count', source: 'test', from: 't' },
  },
} as ResolvedProfile);

function smmu(params: Record<string, unknown> = {}) {
  const env = new Environment(1);
  const metrics = new Metrics(1000);
  const s = new PhysicalSmmu(env, 'smmu0', smmuv3HostParams.parse(params), costs, metrics, 'smmu0');
  return { env, metrics, s, drv: new HostSmmuDriver(s, costs, metrics) };
}

test('range invalidation: one command per 5-bit group of the page count', () => {
  assert.deepEqual(rangeChunks(1), [1]);
  assert.deepEqual(rangeChunks(64), [64]);
  assert.deepEqual(rangeChunks(31), [31]);
  assert.deepEqual(rangeChunks(33), [1, 32]);
  assert.deepEqual(rangeChunks(1000).reduce((a, b) => a + b, 0), 1000);
  assert.equal(tlbiForRange({ asid: 1 }, 'TLBI_NH_VA', 'TLBI_NH_ASID', 0x10000, 64 * 4096, true).length, 1);
});

test('without range invalidation: one TLBI per page up to 512, then one ASID/VMID-wide flush', () => {
  const per = tlbiForRange({ asid: 1 }, 'TLBI_NH_VA', 'TLBI_NH_ASID', 0, 512 * 4096, false);
  assert.equal(per.length, 512);
  assert.ok(per.every((c) => c.op === 'TLBI_NH_VA' && c.size === 4096));
  assert.deepEqual(tlbiForRange({ asid: 1 }, 'TLBI_NH_VA', 'TLBI_NH_ASID', 0, 513 * 4096, false).map((c) => c.op), ['TLBI_NH_ASID']);
  assert.deepEqual(tlbiForRange({ vmid: 3 }, 'TLBI_S2_IPA', 'TLBI_S12_VMALL', 0, 2 ** 30, false).map((c) => c.op), ['TLBI_S12_VMALL']);
});

test('host driver: batches of 63 commands closed by CMD_SYNC', () => {
  const { env, metrics, drv } = smmu();
  const cmds = Array.from({ length: 130 }, (_, i) => ({ op: 'TLBI_NH_VA' as const, vmid: 1, asid: 1, addr: i * 4096 }));
  env.process(drv.issue(cmds, 0, 'host'));
  env.run();
  assert.equal(metrics.counter(SMMUV3_METRICS.invalHwTlbiOf.of('smmu0')).value, 130);
  assert.equal(metrics.counter(SMMUV3_METRICS.invalHwSyncOf.of('smmu0')).value, 3);
  // insert (80 ns) per entry; fetch (30) + TLBI (40) per TLBI and fetch + sync (70) per sync;
  // per batch, one CPU alone: two atomics (90) on the queue's lines, the PROD write (100) and the MSI wait (120).
  assert.equal(env.now, 133 * 80 + 130 * 70 + 3 * 100 + 3 * (2 * 90 + 100 + 120));
});

test('a stage-2 change: S2_IPA, then TLBI_NH_ALL wipes the VMID\'s stage-1 entries, then the ATC flush', () => {
  const { env, metrics, s, drv } = smmu({ rangeInvalidation: false });
  s.caches.iotlb.set(s1Tag(5, 1), 100, 0x1000);
  s.caches.iotlb.set(s1Tag(5, 2), 200, 0x2000);
  s.caches.iotlb.set(s2Tag(5), 7, 0x7000);
  s.caches.iotlb.set(s1Tag(6, 1), 100, 0x3000);
  env.process(drv.stage2Changed(5, 7 * 4096, 2 * 4096, [42], 0));
  env.run();
  assert.equal(s.caches.iotlb.size, 1, 'only the other VMID\'s entry survives');
  assert.ok(s.caches.iotlb.has(s1Tag(6, 1), 100));
  assert.equal(metrics.counter(SMMUV3_METRICS.invalHwS2Of.of('smmu0')).value, 2, 'one S2_IPA per page without range invalidation');
  assert.equal(metrics.counter(SMMUV3_METRICS.invalHwTlbiOf.of('smmu0')).value, 3);
  assert.equal(metrics.counter(SMMUV3_METRICS.invalHwSyncOf.of('smmu0')).value, 2);
  assert.equal(metrics.counter(SMMUV3_METRICS.invalHwCmdsOf.of('smmu0')).value, 3 + 1 + 2);
});

test('a full queue makes the next producer wait for space', () => {
  // The engine takes a batch off the queue when it starts on it, so the queue fills only behind a
  // busy engine: the first batch executes, the second waits in the queue (3 of 4 slots), the third
  // finds no space. Which same-instant order the kernel picks must not matter (it grants free
  // resources synchronously): the third producer waits at least once and finishes last.
  const { env, metrics, s } = smmu({ cmdqLog2: 2 });
  const batch = [{ op: 'TLBI_NH_ALL' as const, vmid: 1 }, { op: 'TLBI_NH_ALL' as const, vmid: 2 }, { op: 'CMD_SYNC' as const }];
  const done: number[] = [];
  for (let i = 0; i < 3; i++) {
    env.process(
      (function* () {
        yield* s.execute(s.mainQueue, batch, 'host');
        done.push(env.now);
      })(),
    );
  }
  env.run();
  assert.ok(metrics.counter(SMMUV3_METRICS.smmuCmdqFullWaits).value >= 1);
  assert.equal(done.length, 3);
  assert.ok(done[0]! < done[1]! && done[1]! < done[2]!, JSON.stringify(done));
});

test('the SMMU charges a TLBI by what it covers: a page, a range, a whole ASID', () => {
  const time = (cmd: Parameters<PhysicalSmmu['execute']>[1][number]): number => {
    const { env, s } = smmu();
    env.process(s.execute(s.mainQueue, [cmd], 'host'));
    env.run();
    return env.now;
  };
  // fetch 30 + smmu.tlbi_ns 40 / smmu.tlbi_range_ns 130 / smmu.tlbi_wide_ns 140 (this file's test profile).
  assert.equal(time({ op: 'TLBI_NH_VA', vmid: 1, asid: 1, addr: 0, size: 4096 }), 30 + 40);
  assert.equal(time({ op: 'TLBI_NH_VA', vmid: 1, asid: 1, addr: 0, size: 64 * 4096 }), 30 + 130);
  assert.equal(time({ op: 'TLBI_NH_ASID', vmid: 1, asid: 1 }), 30 + 140);
});
