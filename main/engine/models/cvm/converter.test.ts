import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment, Resource, type ProcessGenerator } from '../../kernel';
import { Vcpu } from '../../machine/vcpu';
import { CvmConverter, type CvmCosts, type CvmKind } from './converter';
import type { BackingConfig } from '../../mem/host-backing';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** Distinct costs so each term's share of the time can be checked. */
const costs: CvmCosts = {
  ptePerPage: 1,
  cacheFlushPerPage: 2,
  tlbShootdown: 100,
  tdvmcall: 1000,
  vmgexit: 1000,
  rmpUpdatePerEntry: 10,
  pvalidateOp: 50,
  pvalidatePerPage: 1,
  acceptOp: 50,
  acceptPerPage: 1,
  ucall: 1000,
  ucallPerPage: 3,
  vmmExit: 2000,
  setAttributes: 500,
  punchHole: 300,
  zapPerLeaf: 20,
  faultPrivate: 5900,
  faultShared: 2900,
  pscMaxEntries: 64,
};
const hugetlb: BackingConfig = { private: 'hugetlb-2m', shared: 'hugetlb-2m', discard: true };

function setup(kind: CvmKind, ram: number, backing = hugetlb, pscLarge = true) {
  const env = new Environment(1);
  const vmm = new Resource(env, 'vmm', 1);
  const conv = new CvmConverter(env, kind, ram, backing, costs, vmm, { pscLargeEntries: pscLarge });
  const cpu = new Vcpu(env, 'vm', 0);
  const run = <T>(g: ProcessGenerator<T>): T => {
    const p = env.process(cpu.run(g));
    env.run();
    return p.value;
  };
  return { env, vmm, conv, cpu, run };
}

test('TDX: MapGPA of 1 GiB is one TDVMCALL and 512 VMM round trips (Done-when 3)', () => {
  const { conv, cpu, run, vmm } = setup('tdx', 4 * GiB);
  run(conv.convert(cpu, GiB, GiB, 'shared'));
  assert.equal(conv.counts.exitsMapGpa, 1);
  assert.equal(conv.counts.vmmRoundTrips, 512);
  assert.equal(vmm.grants, 512);
  assert.equal(conv.counts.converted2m, GiB);
  assert.equal(conv.counts.splits, 0);
  assert.equal(conv.mem.backing.doubleAllocatedBytes, 0);
});

test('SNP: PSC of 1 GiB at 4 KiB is ceil(262144 / 64) requests, at 2 MiB 8 (Done-when 3)', () => {
  const large = setup('sev-snp', 4 * GiB);
  large.run(large.conv.acceptRange(large.cpu, 0, 4 * GiB));
  const p0 = large.conv.counts.exitsPsc;
  large.run(large.conv.convert(large.cpu, GiB, GiB, 'shared'));
  assert.equal(large.conv.counts.exitsPsc - p0, 8, '512 entries of 2 MiB in requests of 64');
  const small = setup('sev-snp', 4 * GiB, hugetlb, false);
  small.run(small.conv.acceptRange(small.cpu, 0, 4 * GiB));
  const p1 = small.conv.counts.exitsPsc;
  const trips = small.conv.counts.vmmRoundTrips;
  small.run(small.conv.convert(small.cpu, GiB, GiB, 'shared'));
  assert.equal(small.conv.counts.exitsPsc - p1, Math.ceil(262144 / 64));
  assert.equal(small.conv.counts.vmmRoundTrips - trips, 4096, 'one VMM round trip per request (contiguous entries)');
});

test('eager acceptance of RAM costs ∝ RAM; a 4 KiB private backing accepts with 512 × 4 KiB fallbacks and 512 faults per 2 MiB', () => {
  const huge = setup('tdx', 4 * GiB);
  const tHuge = huge.run(huge.conv.acceptRange(huge.cpu, 0, 4 * GiB));
  assert.equal(huge.conv.counts.acceptOps, 2048);
  assert.equal(huge.conv.counts.eptFaults, 2048);
  assert.equal(huge.conv.counts.acceptedBytes, 4 * GiB);
  const small = setup('tdx', 4 * GiB, { private: '4k', shared: '4k', discard: true });
  const tSmall = small.run(small.conv.acceptRange(small.cpu, 0, 4 * GiB));
  assert.equal(small.conv.counts.acceptFallbacks, 2048);
  assert.equal(small.conv.counts.eptFaults, 2048 * 512);
  assert.ok(tSmall > 100 * tHuge);
  const big = setup('tdx', 64 * GiB);
  const tBig = big.run(big.conv.acceptRange(big.cpu, 0, 64 * GiB));
  assert.equal(tBig, 16 * tHuge);
  assert.equal(big.run(big.conv.acceptRange(big.cpu, 0, 64 * GiB)), 0, 'accepted once');
});

test('a 4 KiB TDX conversion in hugetlb memory: one round trip, a split, 512 refaults, 2 MiB doubly allocated', () => {
  const { conv, cpu, run } = setup('tdx', 1 * GiB);
  run(conv.acceptRange(cpu, 0, GiB));
  const faults = conv.counts.eptFaults;
  run(conv.convert(cpu, 100 * MiB + 4096, 4096, 'shared'));
  assert.equal(conv.counts.vmmRoundTrips, 1);
  assert.equal(conv.counts.splits, 1);
  assert.equal(conv.counts.eptFaults - faults, 512);
  assert.equal(conv.counts.converted4k, 4096);
  assert.equal(conv.mem.backing.doubleAllocatedBytes, 2 * MiB);
  assert.equal(conv.counts.conversionsToShared, 1);
  assert.equal(conv.counts.runtimeConversions, 0);
  conv.booted = true;
  run(conv.convert(cpu, 100 * MiB + 4096, 4096, 'private'));
  assert.equal(conv.counts.runtimeConversions, 1);
  assert.equal(conv.counts.conversionsToPrivate, 1);
});

test('conversion of unaccepted memory accepts it first (lazy acceptance)', () => {
  const { conv, cpu, run } = setup('tdx', 1 * GiB);
  run(conv.convert(cpu, 200 * MiB, 2 * MiB, 'shared'));
  assert.equal(conv.counts.acceptedBytes, 2 * MiB);
  assert.equal(conv.accept.unacceptedUnits, 511);
});

test('PEF: one ultracall per conversion, no VMM round trip', () => {
  const { conv, cpu, run, env } = setup('pef', 1 * GiB, { private: '4k', shared: '4k', discard: false });
  const t0 = env.now;
  run(conv.convert(cpu, 0, 64 * MiB, 'shared'));
  assert.equal(conv.counts.exitsUcall, 1);
  assert.equal(conv.counts.vmmRoundTrips, 0);
  assert.ok(env.now - t0 >= 1000 + 16384 * 3);
});
