import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProfile } from '../../main/api/profiles';
import { Costs } from '../../main/engine/costs/costs';
import { Environment, type ProcessGenerator } from '../../main/engine/kernel';
import { Vcpu } from '../../main/engine/machine/vcpu';
import { Metrics } from '../../main/engine/metrics/collector';
import { SwiotlbBouncer, SwiotlbPath } from '../../main/engine/dma/swiotlb';
import { SwiotlbPool } from '../../main/engine/dma/swiotlb-pool';
import { CORE_COSTS } from '../../main/common/profile/core';
import { SWIOTLB_COSTS } from '../../main/common/profile/swiotlb';
import { SWIOTLB_METRICS } from '../../main/common/metrics/swiotlb';

function setup(poolBytes = 2 ** 20): { env: Environment; costs: Costs; metrics: Metrics; path: SwiotlbPath; cpu: Vcpu } {
  const env = new Environment(1);
  const costs = new Costs(loadProfile('base'));
  const metrics = new Metrics(1000);
  const bouncer = new SwiotlbBouncer(env, costs, metrics, new SwiotlbPool(0x100000, poolBytes, 1), 'vm');
  return { env, costs, metrics, path: new SwiotlbPath(bouncer, env), cpu: new Vcpu(env, 'vm', 0) };
}

function drive<T>(env: Environment, gen: ProcessGenerator<T>): T {
  const p = env.process(gen);
  env.run();
  return p.value;
}

test('to-device maps copy at map, from-device maps copy at unmap, each charged at the memcpy bandwidth', () => {
  const { env, costs, metrics, path, cpu } = setup();
  const copy = costs.transferNs(65536, CORE_COSTS.guestMemcpyBytesPerNs);
  const alloc = costs.ns(SWIOTLB_COSTS.allocNs);
  const free = costs.ns(SWIOTLB_COSTS.freeNs);
  const t0 = env.now;
  const tx = drive(env, path.map(cpu, 0x40000000, 65536, 'to-device'))!;
  assert.equal(env.now - t0, alloc + copy);
  assert.ok(tx.iovaPfn * 4096 + tx.iovaOff >= 0x100000 && tx.iovaPfn * 4096 + tx.iovaOff < 0x200000, 'the device sees the bounce slot');
  const t1 = env.now;
  drive(env, path.unmap(cpu, tx));
  assert.equal(env.now - t1, free, 'no copy back for to-device');
  const rx = drive(env, path.map(cpu, 0x40000000, 65536, 'from-device'))!;
  const t2 = env.now;
  drive(env, path.unmap(cpu, rx));
  assert.equal(env.now - t2, copy + free);
  assert.equal(metrics.counter(SWIOTLB_METRICS.bounceBytes).value, 2 * 65536);
});

test('exhaustion: a map that finds no free run fails without waiting and is counted', () => {
  const { env, metrics, path, cpu } = setup(64 * 2048);
  const a = drive(env, path.map(cpu, 0, 128 * 1024, 'to-device'));
  assert.notEqual(a, null, '64 slots of 2 KiB fill the pool');
  const t0 = env.now;
  const b = drive(env, path.map(cpu, 0, 2048, 'to-device'));
  assert.equal(b, null);
  assert.equal(env.now - t0, new Costs(loadProfile('base')).ns(SWIOTLB_COSTS.allocNs), 'only the search was paid');
  assert.equal(metrics.counter(SWIOTLB_METRICS.full).value, 1);
  assert.equal(drive(env, path.translate(a!.iovaPfn, a!.iovaOff, 4096, true)), true);
  assert.equal(drive(env, path.translate(0x40000000 / 4096, 0, 4096, true)), false);
});
