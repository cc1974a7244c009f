import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DONE, DONE_FALSE, DONE_TRUE, Environment, holdThen, type ProcessGenerator } from '../../kernel';
import { Costs } from '../../costs/costs';
import { Metrics } from '../../metrics/collector';
import { Vcpu } from '../../machine/vcpu';
import type { ResolvedProfile } from '../../../common/profile/profile';
import type { IommuDomainDriver } from './driver';
import { DmaIommuPath } from './dma-iommu';
import { callSteps, type DmaPath, type Mapping } from '../path';
import { DMA_IOMMU_METRICS } from '../../../common/metrics/dma-iommu';

function profile(fqEntries: number, rcacheNs: number): ResolvedProfile {
  const p = (value: number) => ({ value, unit: 'ns', source: 'test', from: 'test' });
  return {
    id: 'test',
    chain: ['test'],
    params: {
      'guest.dma_iommu_map_ns': p(10),
      'guest.dma_iommu_unmap_ns': p(10),
      'guest.iova_rcache_ns': p(rcacheNs),
      'guest.iova_tree_ns': p(5),
      'guest.iommu_fq_entries': p(fqEntries),
      'guest.iommu_fq_timeout_ns': p(20_000),
    },
  };
}

/**
 * A driver whose calls take every form a real one hands back: done in place (a finished
 * generator), a hold, several holds, an event to wait for; and whose table refuses some maps.
 * Every call is logged with its instant.
 */
class MixedDriver implements IommuDomainDriver {
  readonly name = 'mixed';
  readonly log: string[] = [];
  private n = 0;
  constructor(private readonly env: Environment) {}
  *probe(): ProcessGenerator<void> {}
  mapPages(_c: Vcpu, iova: number, _g: number, bytes: number): ProcessGenerator<boolean> {
    const k = this.n++;
    this.log.push(`map ${iova / 4096}+${bytes / 4096}@${this.env.now}`);
    if (k % 7 === 3) return DONE_FALSE; // the table could not grow
    if (k % 3 === 0) return DONE_TRUE;
    return this.held(k % 2 === 0 ? [30] : [20, 15], true);
  }
  unmapPages(_c: Vcpu, iova: number): ProcessGenerator<void> {
    this.log.push(`clear ${iova / 4096}@${this.env.now}`);
    return this.n++ % 2 === 0 ? DONE : this.held([25], undefined);
  }
  flushRange(_c: Vcpu, iova: number): ProcessGenerator<void> {
    this.log.push(`flush ${iova / 4096}@${this.env.now}`);
    return this.n++ % 4 === 0 ? DONE : this.waited();
  }
  *flushAll(): ProcessGenerator<void> {
    this.log.push(`flush-all@${this.env.now}`);
    yield 200;
  }
  *translate(): ProcessGenerator<boolean> {
    return true;
  }
  private *held<T>(holds: number[], value: T): ProcessGenerator<T> {
    for (const h of holds) yield h;
    return value;
  }
  /** Waits on an event another process triggers, and sends back its value. */
  private *waited(): ProcessGenerator<void> {
    const ev = this.env.event<string>();
    this.env.schedule(40, () => ev.succeed('synced'));
    const v = yield ev;
    this.log.push(`${String(v)}@${this.env.now}`);
    yield 5;
  }
}

/** MixedDriver whose PTE writes come as their parts (mapPagesNs, unmapPagesNs), mapPages and unmapPages made of them as the SMMUv3 guest driver's are. */
class PartsDriver extends MixedDriver {
  private k = 0;
  constructor(private readonly e: Environment) {
    super(e);
  }
  mapPagesNs(_c: Vcpu, iova: number, _g: number, bytes: number): number {
    const k = this.k++;
    this.log.push(`map-ns ${iova / 4096}+${bytes / 4096}@${this.e.now}`);
    return k % 5 === 2 ? -1 : [0, 30, 45][k % 3]!;
  }
  unmapPagesNs(c: Vcpu, iova: number): number {
    this.log.push(`clear-ns ${iova / 4096}@${this.e.now}`);
    return this.unmapPagesCostNs(c, iova);
  }
  /** What unmapPagesNs takes for the range, nothing cleared (so the merged unmap is compared too): a function of the range, as a page table's is. */
  unmapPagesCostNs(_c: Vcpu, iova: number): number {
    return (iova / 4096) % 2 === 0 ? 25 : 0;
  }
  override mapPages(c: Vcpu, iova: number, g: number, bytes: number): ProcessGenerator<boolean> {
    const ns = this.mapPagesNs(c, iova, g, bytes);
    if (ns < 0) return DONE_FALSE;
    return this.e.advance(ns) ? DONE_TRUE : holdThen(ns, true);
  }
  override unmapPages(c: Vcpu, iova: number): ProcessGenerator<void> {
    const ns = this.unmapPagesNs(c, iova);
    return this.e.advance(ns) ? DONE : holdThen(ns, undefined);
  }
}

/** Two threads map and unmap through one path, by the steps or by `yield*` on its generators: the log of every call, instant and result. */
function run(mode: 'strict' | 'lazy', steps: boolean, rcacheNs: number, onPath = (p: DmaIommuPath): DmaPath => p, Driver: new (env: Environment) => MixedDriver = MixedDriver) {
  const env = new Environment(1);
  const metrics = new Metrics(1000);
  const cpus = [new Vcpu(env, 'vm0', 0), new Vcpu(env, 'vm0', 1)];
  const driver = new Driver(env);
  // 64 pages of IOVA space: the large maps exhaust it now and then (a failed allocation).
  const iommu = new DmaIommuPath(env, new Costs(profile(3, rcacheNs)), metrics, driver, { mode, timerCpu: cpus[0]!, dmaLimit: 65 * 4096 });
  const path = onPath(iommu);
  const log = driver.log;
  for (let t = 0; t < 2; t++) {
    env.process(
      (function* () {
        const cpu = cpus[t]!;
        const call = callSteps(path);
        let sub: ProcessGenerator<unknown> | null;
        const held: Mapping[] = [];
        for (let i = 0; i < 40; i++) {
          // Sizes from one page (rcache) to 40 (the tree; and, with others held, no space).
          const bytes = [4096, 3 * 4096, 40 * 4096, 4096 + 7][(i + t) % 4]!;
          let m: Mapping | null;
          if (steps) {
            for (let y = call.map(cpu, 0x10_0000 + i * 8192, bytes, 'from-device'); ; ) {
              if (y !== null) y = call.next(yield y);
              else if ((sub = call.sub) !== null) y = call.resume(yield* sub);
              else break;
            }
            m = call.mapping;
          } else m = yield* path.map(cpu, 0x10_0000 + i * 8192, bytes, 'from-device');
          log.push(`${t}:${i} mapped ${m === null ? 'null' : `${m.iovaPfn}+${m.iovaOff}/${m.bytes}`}@${env.now}`);
          if (m !== null) held.push(m);
          // Unmap the oldest now and then, so some mappings stay while others come.
          if (held.length > (i % 3)) {
            const u = held.shift()!;
            if (steps) {
              for (let y = call.unmap(cpu, u); ; ) {
                if (y !== null) y = call.next(yield y);
                else if ((sub = call.sub) !== null) y = call.resume(yield* sub);
                else break;
              }
            } else yield* path.unmap(cpu, u);
            log.push(`${t}:${i} unmapped ${u.iovaPfn}@${env.now}`);
          }
        }
      })(),
    );
  }
  env.run(10_000_000);
  return { log, events: env.events, now: env.now, tree: metrics.counter(DMA_IOMMU_METRICS.iovaTreeOps).value, flushes: metrics.counter(DMA_IOMMU_METRICS.iommuFqFlushes).value, live: iommu.livePages };
}

test('dma-iommu map and unmap as steps equal its generators: every driver call, instant, result and event count; strict and lazy; holds in place and yielded', () => {
  for (const mode of ['strict', 'lazy'] as const) {
    // rcache 0: its cost is always taken in place; 3: it collides with the other thread's holds and is yielded.
    for (const rcacheNs of [0, 3]) {
      const gen = run(mode, false, rcacheNs);
      const st = run(mode, true, rcacheNs);
      assert.deepEqual(st, gen, `${mode}, rcache ${rcacheNs} ns`);
      // The comparison covers what it should: failed maps (no IOVA, a refused table), waits, the flush queue.
      assert.ok(gen.log.some((l) => l.includes('mapped null')), 'some maps fail');
      if (mode === 'strict') assert.ok(gen.log.some((l) => l.startsWith('synced')), 'some flushes wait on an event');
      assert.ok(gen.tree > 0, 'the tree is used');
      if (mode === 'lazy') assert.ok(gen.flushes > 0, 'the flush queue fills');
    }
  }
});

test('a driver giving its PTE writes as their parts (mapPagesNs, unmapPagesNs): the steps take those holds themselves, with what the generators give', () => {
  for (const mode of ['strict', 'lazy'] as const) {
    for (const rcacheNs of [0, 3]) {
      const gen = run(mode, false, rcacheNs, undefined, PartsDriver);
      assert.deepEqual(run(mode, true, rcacheNs, undefined, PartsDriver), gen, `${mode}, rcache ${rcacheNs} ns`);
      assert.ok(gen.log.some((l) => l.includes('mapped null')) && gen.log.some((l) => l.startsWith('map-ns')), 'refused tables, and the parts used');
    }
  }
});

test('a path without steps of its own is driven through its generators (callSteps), with the same outcome', () => {
  // The same dma-iommu path seen only through the DmaPath methods: callSteps wraps its generators.
  const bare = (p: DmaIommuPath): DmaPath => ({ name: p.name, probe: (c) => p.probe(c), map: (c, g, b, d) => p.map(c, g, b, d), unmap: (c, m) => p.unmap(c, m), translate: (pfn, off, b, w) => p.translate(pfn, off, b, w) });
  for (const mode of ['strict', 'lazy'] as const) assert.deepEqual(run(mode, true, 3, bare), run(mode, false, 3), mode);
});

test('steps refuse a second call while one is in progress', () => {
  const env = new Environment(1);
  const cpu = new Vcpu(env, 'vm0', 0);
  const path = new DmaIommuPath(env, new Costs(profile(3, 1)), new Metrics(1000), new MixedDriver(env), { mode: 'strict', timerCpu: cpu, dmaLimit: 2 ** 32 });
  const s = path.callSteps();
  assert.equal(s.map(cpu, 0, 4096, 'to-device'), 10); // the map's hold: not taken in place outside a process
  assert.throws(() => s.map(cpu, 0, 4096, 'to-device'), /in progress/);
});
