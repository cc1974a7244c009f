import { test } from 'node:test';
import { SWIOTLB_METRICS } from '../../main/common/metrics/swiotlb';
import assert from 'node:assert/strict';
import { loadProfile } from '../../main/api/profiles';
import { Costs } from '../../main/engine/costs/costs';
import { Environment, type ProcessGenerator } from '../../main/engine/kernel';
import { Vcpu } from '../../main/engine/machine/vcpu';
import { Metrics } from '../../main/engine/metrics/collector';
import { SwiotlbBouncer, SwiotlbPath } from '../../main/engine/dma/swiotlb';
import { SwiotlbPool } from '../../main/engine/dma/swiotlb-pool';
import { SwiotlbPoolSet, transientBytes, workerPoolBytes } from '../../main/engine/dma/swiotlb-pool-set';
import { DynamicSwiotlb, type SharedMemory } from '../../main/engine/dma/swiotlb-dynamic';
import type { Mapping } from '../../main/engine/dma/path';

const MiB = 2 ** 20;

/** Hands out guest memory from a bump pointer and records every conversion. */
class FakeShared implements SharedMemory {
  next = 0x4000_0000;
  shared: { gpa: number; bytes: number }[] = [];
  unshared: { gpa: number; bytes: number }[] = [];
  *allocShared(_cpu: Vcpu, bytes: number, align: number): ProcessGenerator<number | null> {
    yield 1000;
    this.next = Math.ceil(this.next / align) * align;
    const gpa = this.next;
    this.next += bytes;
    this.shared.push({ gpa, bytes });
    return gpa;
  }
  *freeShared(_cpu: Vcpu, gpa: number, bytes: number): ProcessGenerator<void> {
    yield 1000;
    this.unshared.push({ gpa, bytes });
  }
}

function drive<T>(env: Environment, gen: ProcessGenerator<T>): T {
  const p = env.process(gen);
  env.run();
  return p.value;
}

test('pool set: default pool first, then added pools; transient pools die with their mapping', () => {
  const set = new SwiotlbPoolSet(new SwiotlbPool(0x100000, 64 * 2048, 1));
  const a = set.alloc(128 * 1024, 0)!;
  assert.notEqual(a, null);
  assert.equal(set.alloc(2048, 0), null, 'default pool full');
  set.addPool(0x800000, MiB);
  const b = set.alloc(2048, 0)!;
  assert.ok(b.addr >= 0x800000);
  assert.equal(set.contains(b.addr, 2048), true);
  const t = set.addTransient(0x2000000, 5000);
  assert.equal(set.transientPools, 1);
  assert.equal(set.slotsInUse, 64 + 1 + 3);
  assert.equal(set.freeSlot(t)!.bytes, transientBytes(5000));
  assert.equal(set.transientPools, 0);
  assert.equal(set.freeSlot(b), null);
  assert.equal(set.poolBytes, 64 * 2048 + MiB);
  assert.equal(workerPoolBytes(64 * MiB), 4 * MiB);
  assert.equal(workerPoolBytes(256 * 1024), MiB);
});

test('dynamic swiotlb: a full pool makes a transient pool (a conversion) instead of failing, and the worker adds a pool (1 MiB here: default size clamped to 1–4 MiB)', () => {
  const env = new Environment(1);
  const costs = new Costs(loadProfile('base'));
  const metrics = new Metrics(1000);
  const set = new SwiotlbPoolSet(new SwiotlbPool(0x100000, 64 * 2048, 1));
  const mem = new FakeShared();
  const cpu = new Vcpu(env, 'vm', 0);
  const worker = new Vcpu(env, 'vm', 1);
  const dyn = new DynamicSwiotlb(env, set, mem, worker, 'vm');
  const path = new SwiotlbPath(new SwiotlbBouncer(env, costs, metrics, set, 'vm', dyn), env);
  const full = drive(env, path.map(cpu, 0, 128 * 1024, 'to-device'))!;
  assert.notEqual(full, null);
  const over = drive(env, path.map(cpu, 0, 8192, 'to-device')) as Mapping;
  assert.notEqual(over, null, 'no swiotlb-full error');
  assert.equal(metrics.counter(SWIOTLB_METRICS.full).value, 0);
  assert.equal(dyn.stats.transientPools, 1);
  assert.equal(dyn.stats.workerPools, 1, 'the worker ran once');
  assert.deepEqual(mem.shared.map((s) => s.bytes).sort((x, y) => x - y), [8192, MiB]);
  assert.equal(drive(env, path.translate(over.iovaPfn, over.iovaOff, 8192, true)), true);
  drive(env, path.unmap(cpu, over));
  assert.deepEqual(mem.unshared, [{ gpa: mem.shared.find((x) => x.bytes === 8192)!.gpa, bytes: 8192 }], 'the transient pool went back');
  const next = drive(env, path.map(cpu, 0, 8192, 'to-device'))!;
  assert.equal(dyn.stats.transientPools, 1, 'the worker pool serves the next overflow');
  assert.equal(set.contains(next.iovaPfn * 4096 + next.iovaOff, 8192), true);
});

test('without the growth hook a full pool still fails and counts swiotlb.full', () => {
  const env = new Environment(1);
  const metrics = new Metrics(1000);
  const set = new SwiotlbPoolSet(new SwiotlbPool(0x100000, 64 * 2048, 1));
  const path = new SwiotlbPath(new SwiotlbBouncer(env, new Costs(loadProfile('base')), metrics, set, 'vm'), env);
  const cpu = new Vcpu(env, 'vm', 0);
  drive(env, path.map(cpu, 0, 128 * 1024, 'to-device'));
  assert.equal(drive(env, path.map(cpu, 0, 2048, 'to-device')), null);
  assert.equal(metrics.counter(SWIOTLB_METRICS.full).value, 1);
});
