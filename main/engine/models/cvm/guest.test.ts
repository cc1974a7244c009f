import { test } from 'node:test';
import { SWIOTLB_METRICS } from '../../../common/metrics/swiotlb';
import assert from 'node:assert/strict';
import { loadProfile } from '../../../api/profiles';
import { Costs } from '../../costs/costs';
import { Environment, type ProcessGenerator } from '../../kernel';
import { Metrics } from '../../metrics/collector';
import { VmRuntime } from '../../machine/vm';
import { DirectPath } from '../../dma/direct';
import type { Mapping } from '../../dma/path';
import type { VmSpec } from '../../../common/spec';
import { CvmGuest, type CvmGuestParams } from './guest';
import type { CvmCosts, CvmKind } from './converter';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

const cvmCosts: CvmCosts = {
  ptePerPage: 50,
  cacheFlushPerPage: 250,
  tlbShootdown: 5000,
  tdvmcall: 4000,
  vmgexit: 3000,
  rmpUpdatePerEntry: 500,
  pvalidateOp: 500,
  pvalidatePerPage: 100,
  acceptOp: 1000,
  acceptPerPage: 400,
  ucall: 2000,
  ucallPerPage: 100,
  vmmExit: 5000,
  setAttributes: 5000,
  punchHole: 8000,
  zapPerLeaf: 100,
  faultPrivate: 5900,
  faultShared: 2900,
  pscMaxEntries: 64,
};

const base: CvmGuestParams = {
  privateBacking: 'hugetlb-2m',
  sharedBacking: 'hugetlb-2m',
  discard: true,
  acceptance: 'lazy',
  bootAcceptBytes: 256 * MiB,
  swiotlbSizing: 'x86-6pct',
  swiotlbBytes: 64 * MiB,
  swiotlbAlign: 4096,
  dynamicSwiotlb: false,
  dmaAlloc: 'convert',
  coherentAllocsPerDevice: 0,
  coherentAllocBytes: 4096,
  runtimeCoherentAllocsPerSec: 0,
  runtimeCoherentLifetimeNs: 1_000_000,
  bootSharedPagesPerVcpu: 1,
  pscLargeEntries: true,
};

function guest(kind: CvmKind, memory: number, p: Partial<CvmGuestParams> = {}) {
  const env = new Environment(1);
  const vm = new VmRuntime(env, { id: 'vm0', memory, vcpus: 4 } as unknown as VmSpec);
  const metrics = new Metrics(1000);
  const g = new CvmGuest(env, kind, vm, { ...base, ...p }, cvmCosts, new Costs(loadProfile('base')), metrics);
  const run = <T>(gen: ProcessGenerator<T>): T => {
    const proc = env.process(vm.vcpu(0).run(gen));
    env.run();
    return proc.value;
  };
  return { env, vm, g, run, metrics };
}

function bootNs(kind: CvmKind, memory: number, acceptance: 'lazy' | 'eager'): number {
  const { g, run, vm } = guest(kind, memory, { acceptance });
  run(g.boot(vm.vcpu(0)));
  return g.totals.bootNs;
}

test('lazy acceptance boots faster than eager, and the gap widens with RAM (Done-when 4, shape)', () => {
  for (const kind of ['tdx', 'sev-snp'] as const) {
    const r4 = bootNs(kind, 4 * GiB, 'eager') / bootNs(kind, 4 * GiB, 'lazy');
    const r64 = bootNs(kind, 64 * GiB, 'eager') / bootNs(kind, 64 * GiB, 'lazy');
    assert.ok(r4 > 1, `${kind}: lazy is faster at 4 GiB (${r4})`);
    assert.ok(r64 > r4, `${kind}: ratio at 64 GiB ${r64} > at 4 GiB ${r4}`);
  }
});

test('boot converts the swiotlb pool once; with the 2 MiB-aligned 8 % pool and discard nothing is doubly allocated and nothing splits', () => {
  const rfc = guest('tdx', 8 * GiB, { swiotlbSizing: 'rfc-8pct', swiotlbAlign: 2 * MiB, bootSharedPagesPerVcpu: 0, acceptance: 'eager' });
  rfc.run(rfc.g.boot(rfc.vm.vcpu(0)));
  const c = rfc.g.converter;
  assert.equal(c.counts.conversionsToShared, 1);
  assert.equal(c.counts.splits, 0);
  assert.equal(c.mem.backing.doubleAllocatedBytes, 0);
  assert.equal(c.mem.backing.sharedBytes, rfc.g.placement.bytes);
  // Today's page-aligned 6 % pool: its unaligned edge splits one 2 MiB mapping and leaves it doubly allocated.
  const today = guest('tdx', 8 * GiB, { bootSharedPagesPerVcpu: 0, acceptance: 'eager' });
  today.run(today.g.boot(today.vm.vcpu(0)));
  assert.equal(today.g.converter.counts.splits, 1);
  assert.equal(today.g.converter.mem.backing.doubleAllocatedBytes, 2 * MiB);
});

test('coherent allocations: converted per allocation today, none with proposal 1 (pool); runtime conversions 0 after boot (Done-when 1)', () => {
  const today = guest('tdx', 4 * GiB, { coherentAllocsPerDevice: 4 });
  today.run(today.g.boot(today.vm.vcpu(0)));
  const path = today.g.path(new DirectPath(new Costs(loadProfile('base'))));
  today.run(path.probe(today.vm.vcpu(0)));
  assert.equal(today.g.converter.counts.runtimeConversions, 4);
  assert.ok(today.g.converter.mem.backing.doubleAllocatedBytes >= 2 * MiB, 'hugetlb: the 4 KiB conversions leave whole 2 MiB pages on both sides');
  const rfc = guest('tdx', 4 * GiB, { coherentAllocsPerDevice: 4, dmaAlloc: 'pool', swiotlbSizing: 'rfc-8pct', swiotlbAlign: 2 * MiB, bootSharedPagesPerVcpu: 0 });
  rfc.run(rfc.g.boot(rfc.vm.vcpu(0)));
  const p2 = rfc.g.path(new DirectPath(new Costs(loadProfile('base'))));
  rfc.run(p2.probe(rfc.vm.vcpu(0)));
  assert.equal(rfc.g.converter.counts.runtimeConversions, 0);
  assert.equal(rfc.g.totals.coherentFromPool, 4);
  assert.equal(rfc.g.converter.mem.backing.doubleAllocatedBytes, 0);
});

test('a pool too small for the queue depth: swiotlb-full errors without dynamic swiotlb, none with it, at the price of runtime conversions (Done-when 5)', () => {
  const outcome = (dynamicSwiotlb: boolean) => {
    const t = guest('tdx', 4 * GiB, { swiotlbSizing: 'fixed', swiotlbBytes: 256 * 1024, dynamicSwiotlb });
    t.run(t.g.boot(t.vm.vcpu(0)));
    const path = t.g.path(new DirectPath(new Costs(loadProfile('base'))));
    // 32 requests of 64 KiB in flight: 2 MiB against a 256 KiB pool.
    const live: (Mapping | null)[] = [];
    for (let i = 0; i < 32; i++) live.push(t.run(path.map(t.vm.vcpu(i % 4), 64 * MiB + i * 65536, 65536, 'from-device')));
    for (const m of live) if (m !== null) t.run(path.unmap(t.vm.vcpu(0), m));
    return { full: t.metrics.counter(SWIOTLB_METRICS.full).value, conversions: t.g.converter.counts.runtimeConversions, g: t.g };
  };
  const fixed = outcome(false);
  assert.ok(fixed.full > 0, `swiotlb full ${fixed.full}`);
  assert.equal(fixed.conversions, 0);
  const dyn = outcome(true);
  assert.equal(dyn.full, 0);
  assert.ok(dyn.conversions > 0, 'transient and worker pools were converted at run time');
  assert.ok(dyn.g.dynamic!.stats.transientPools > 0);
});
