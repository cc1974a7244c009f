import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment, type ProcessGenerator } from '../../kernel';
import { Costs } from '../../costs/costs';
import { Metrics } from '../../metrics/collector';
import { Vcpu } from '../../machine/vcpu';
import type { ResolvedProfile } from '../../../common/profile/profile';
import type { IommuDomainDriver } from './driver';
import { DmaIommuPath } from './dma-iommu';
import type { Mapping } from '../path';
import { toBigInt } from '../../mem/addr';
import { CORE_METRICS } from '../../../common/metrics/core';
import { DMA_IOMMU_METRICS } from '../../../common/metrics/dma-iommu';

function profile(fqEntries: number): ResolvedProfile {
  const p = (value: number) => ({ value, unit: 'ns', source: 'test', from: 'test' });
  return {
    id: 'test',
    chain: ['test'],
    params: {
      'guest.dma_iommu_map_ns': p(10),
      'guest.dma_iommu_unmap_ns': p(10),
      'guest.iova_rcache_ns': p(1),
      'guest.iova_tree_ns': p(5),
      'guest.iommu_fq_entries': p(fqEntries),
      'guest.iommu_fq_timeout_ns': p(10_000_000),
    },
  };
}

/** A driver that records calls and keeps a "TLB" the device keeps using until an invalidation. */
class FakeDriver implements IommuDomainDriver {
  readonly name = 'fake';
  readonly log: string[] = [];
  readonly ptes = new Set<number>();
  readonly tlb = new Set<number>();
  *probe(): ProcessGenerator<void> {}
  *mapPages(_c: Vcpu, iova: number, _g: number, bytes: number): ProcessGenerator<boolean> {
    for (let p = iova / 4096; p < (iova + bytes) / 4096; p++) this.ptes.add(p);
    this.log.push(`map ${bytes}`);
    yield 100;
    return true;
  }
  *unmapPages(_c: Vcpu, iova: number, bytes: number): ProcessGenerator<void> {
    for (let p = iova / 4096; p < (iova + bytes) / 4096; p++) this.ptes.delete(p);
    this.log.push('clear');
    yield 50;
  }
  *flushRange(_c: Vcpu, iova: number, bytes: number): ProcessGenerator<void> {
    for (let p = iova / 4096; p < (iova + bytes) / 4096; p++) this.tlb.delete(p);
    this.log.push('flush-range');
    yield 1000;
  }
  *flushAll(): ProcessGenerator<void> {
    this.tlb.clear();
    this.log.push('flush-all');
    yield 2000;
  }
  *translate(pfn: number, off: number): ProcessGenerator<boolean> {
    const p = pfn + Math.floor(off / 4096);
    if (this.tlb.has(p)) return true;
    if (!this.ptes.has(p)) return false;
    this.tlb.add(p);
    return true;
  }
}

function setup(mode: 'strict' | 'lazy', fqEntries = 256, dmaLimit = 2 ** 32) {
  const env = new Environment(1);
  const metrics = new Metrics(1000);
  const cpu = new Vcpu(env, 'vm0', 0);
  const driver = new FakeDriver();
  const path = new DmaIommuPath(env, new Costs(profile(fqEntries)), metrics, driver, { mode, timerCpu: cpu, dmaLimit });
  return { env, metrics, cpu, driver, path };
}

test('a 64-bit DMA mask: IOVAs just below 2^64 keep the buffer offset to the byte', () => {
  const { env, cpu, path } = setup('strict', 256, 2 ** 64);
  let m: Mapping | undefined;
  let last: boolean | undefined;
  let past: boolean | undefined;
  env.process(
    (function* () {
      m = (yield* cpu.run(path.map(cpu, 0x10_0ffe, 4, 'from-device'))) as Mapping;
      last = yield* path.translate(m.iovaPfn, m.iovaOff + 4096 + 1, 1, true);
      past = yield* path.translate(m.iovaPfn, m.iovaOff + 8192, 1, true);
    })(),
  );
  env.run();
  // 4 bytes at offset 0xffe straddle two pages: a 2-page (top-down, 2-aligned) IOVA at 2^64 − 8 KiB.
  assert.equal(toBigInt(m!.iovaPfn, m!.iovaOff), 2n ** 64n - 8192n + 0xffen);
  assert.equal(last, true, 'the second page is mapped');
  assert.equal(past, false, 'the page after it is not');
});

test('strict unmap: clear PTEs, invalidate, then the IOVA is free; a DMA afterwards faults', () => {
  const { env, metrics, cpu, driver, path } = setup('strict');
  let after: boolean | undefined;
  env.process(
    (function* () {
      const m = (yield* cpu.run(path.map(cpu, 0x10_0000, 8192, 'from-device'))) as Mapping;
      assert.equal(yield* path.translate(m.iovaPfn, m.iovaOff, 4096, true), true);
      yield* cpu.run(path.unmap(cpu, m));
      after = yield* path.translate(m.iovaPfn, m.iovaOff, 4096, true);
    })(),
  );
  env.run();
  assert.deepEqual(driver.log, ['map 8192', 'clear', 'flush-range']);
  assert.equal(after, false);
  assert.equal(metrics.counter(CORE_METRICS.securityStaleDma).value, 0);
});

test('lazy unmap: the device keeps a stale translation until the flush queue flushes; each use is counted', () => {
  const { env, metrics, cpu, driver, path } = setup('lazy', 4);
  const stale: boolean[] = [];
  env.process(
    (function* () {
      const maps: Mapping[] = [];
      for (let i = 0; i < 4; i++) {
        const m = (yield* cpu.run(path.map(cpu, 0x10_0000 + i * 4096, 4096, 'from-device'))) as Mapping;
        yield* path.translate(m.iovaPfn, m.iovaOff, 4096, true);
        maps.push(m);
      }
      for (const m of maps) yield* cpu.run(path.unmap(cpu, m));
      stale.push(yield* path.translate(maps[0]!.iovaPfn, maps[0]!.iovaOff, 4096, true));
      // The fifth unmap finds the queue full: one whole-domain flush.
      const m5 = (yield* cpu.run(path.map(cpu, 0x20_0000, 4096, 'from-device'))) as Mapping;
      yield* cpu.run(path.unmap(cpu, m5));
      stale.push(yield* path.translate(maps[1]!.iovaPfn, maps[1]!.iovaOff, 4096, true));
    })(),
  );
  env.run(5_000_000);
  assert.deepEqual(stale, [true, false]);
  assert.equal(metrics.counter(CORE_METRICS.securityStaleDma).value, 1);
  assert.equal(driver.log.filter((l) => l === 'flush-all').length, 1);
  assert.equal(driver.log.filter((l) => l === 'flush-range').length, 0);
});

test('lazy mode: the 10 ms timer flushes what is queued', () => {
  const { env, metrics, cpu, driver, path } = setup('lazy');
  env.process(
    (function* () {
      const m = (yield* cpu.run(path.map(cpu, 0x10_0000, 4096, 'to-device'))) as Mapping;
      yield* cpu.run(path.unmap(cpu, m));
    })(),
  );
  env.run(9_000_000);
  assert.equal(driver.log.includes('flush-all'), false);
  env.run(20_000_000);
  assert.equal(driver.log.filter((l) => l === 'flush-all').length, 1);
  assert.equal(metrics.counter(DMA_IOMMU_METRICS.iommuFqFlushes).value, 1);
  assert.equal(path.fq.queued, 0);
});

/** FakeDriver that answers at once on a TLB hit (what an IOTLB hit costs nothing for). */
class AtOnceDriver extends FakeDriver {
  translateNow(pfn: number, off: number): boolean | undefined {
    return this.tlb.has(pfn + Math.floor(off / 4096)) ? true : undefined;
  }
}

test('translateNow: only from a driver that has one; a hit on a lazily unmapped page counts as stale, as translate does', () => {
  assert.equal(setup('lazy').path.translateNow, undefined);
  const env = new Environment(1);
  const metrics = new Metrics(1000);
  const cpu = new Vcpu(env, 'vm0', 0);
  const path = new DmaIommuPath(env, new Costs(profile(8)), metrics, new AtOnceDriver(), { mode: 'lazy', timerCpu: cpu, dmaLimit: 2 ** 32 });
  const answers: (boolean | undefined)[] = [];
  env.process(
    (function* () {
      const a = (yield* cpu.run(path.map(cpu, 0x10_0000, 4096, 'from-device'))) as Mapping;
      const b = (yield* cpu.run(path.map(cpu, 0x20_0000, 4096, 'from-device'))) as Mapping;
      answers.push(path.translateNow!(a.iovaPfn, a.iovaOff, 4096, true)); // not in the TLB yet
      yield* path.translate(a.iovaPfn, a.iovaOff, 4096, true);
      answers.push(path.translateNow!(a.iovaPfn, a.iovaOff, 4096, true)); // a hit, live
      yield* cpu.run(path.unmap(cpu, a));
      answers.push(path.translateNow!(a.iovaPfn, a.iovaOff, 4096, true)); // a hit, unmapped: stale
      answers.push(path.translateNow!(b.iovaPfn, b.iovaOff, 4096, true));
    })(),
  );
  env.run(5_000_000);
  assert.deepEqual(answers, [undefined, true, true, undefined]);
  assert.equal(metrics.counter(CORE_METRICS.securityStaleDma).value, 1);
});

/** FakeDriver whose misses take a walk (a hold, sometimes queued behind others), and hits on odd pages a lookup hold; even hits answer in its first step. */
class WalkingDriver extends FakeDriver {
  override *translate(pfn: number, off: number): ProcessGenerator<boolean> {
    const p = pfn + Math.floor(off / 4096);
    if (this.tlb.has(p)) {
      if (p % 2 === 1) yield 10;
      return true;
    }
    yield 70 + (p % 3) * 20;
    if (!this.ptes.has(p)) return false;
    this.tlb.add(p);
    return true;
  }
}

test('translate done in place (a finished generator, or the rest of the walk) equals the plain generator: answers, instants, stale counts', () => {
  const go = (inPlace: boolean, Driver: new () => FakeDriver) => {
    const env = new Environment(1);
    const metrics = new Metrics(1000);
    const cpus = [new Vcpu(env, 'vm0', 0), new Vcpu(env, 'vm0', 1)];
    const driver = new Driver();
    const path = new DmaIommuPath(env, new Costs(profile(4)), metrics, driver, { mode: 'lazy', timerCpu: cpus[0]!, dmaLimit: 2 ** 32 });
    const log: string[] = [];
    const tr = (pfn: number, off: number) => (inPlace ? path.translate(pfn, off, 4096, true) : path.translateGenerator(pfn, off, 4096, true));
    for (let t = 0; t < 2; t++) {
      env.process(
        (function* () {
          const cpu = cpus[t]!;
          for (let i = 0; i < 12; i++) {
            const m = (yield* cpu.run(path.map(cpu, 0x10_0000 + (t * 64 + (i % 5)) * 4096, 4096, 'from-device'))) as Mapping;
            for (let k = 0; k < 3; k++) log.push(`${t}:${i}:${k}:${yield* tr(m.iovaPfn, m.iovaOff + k * 2048)}@${env.now}`);
            yield* cpu.run(path.unmap(cpu, m));
            // Lazily unmapped: still in the "TLB" until the queue flushes (a stale hit), or faults.
            log.push(`${t}:${i}:after:${yield* tr(m.iovaPfn, m.iovaOff)}@${env.now}`);
          }
        })(),
      );
    }
    env.run(50_000_000);
    return { log, stale: metrics.counter(CORE_METRICS.securityStaleDma).value, events: env.events };
  };
  for (const Driver of [FakeDriver, WalkingDriver]) {
    const a = go(true, Driver);
    assert.deepEqual(a, go(false, Driver), Driver.name);
    assert.ok(a.stale > 3 && a.log.some((l) => l.includes(':false@')), JSON.stringify(a));
  }
});

/**
 * A driver writing its entries in place (mapPagesNs / unmapPagesNs, as the SMMUv3 guest driver),
 * logging each call's instant, with a clear cost it can state beforehand (unmapPagesCostNs).
 */
class InPlaceDriver extends FakeDriver {
  constructor(
    private readonly env: Environment,
    private readonly costDelta = 0,
  ) {
    super();
  }
  mapPagesNs(_c: Vcpu, iova: number, _g: number, bytes: number): number {
    this.log.push(`write ${iova / 4096}@${this.env.now}`);
    for (let p = iova / 4096; p < (iova + bytes) / 4096; p++) this.ptes.add(p);
    return 20 * (bytes / 4096);
  }
  override *mapPages(c: Vcpu, iova: number, g: number, bytes: number): ProcessGenerator<boolean> {
    yield this.mapPagesNs(c, iova, g, bytes);
    return true;
  }
  unmapPagesNs(_c: Vcpu, iova: number, bytes: number): number {
    this.log.push(`clear ${iova / 4096}@${this.env.now}`);
    for (let p = iova / 4096; p < (iova + bytes) / 4096; p++) this.ptes.delete(p);
    return 20 * (bytes / 4096);
  }
  unmapPagesCostNs(_c: Vcpu, _iova: number, bytes: number): number {
    return 20 * (bytes / 4096) + this.costDelta;
  }
  override *flushRange(_c: Vcpu, iova: number, bytes: number): ProcessGenerator<void> {
    this.log.push(`flush@${this.env.now}`);
    yield* super.flushRange(_c, iova, bytes);
  }
}

/** One thread maps, unmaps and maps again while a callback runs every ns (so no hold is taken in place). */
function interleaved(driver: (env: Environment) => FakeDriver) {
  const env = new Environment(1);
  const cpu = new Vcpu(env, 'vm0', 0);
  const d = driver(env);
  const path = new DmaIommuPath(env, new Costs(profile(256)), new Metrics(1000), d, { mode: 'strict', timerCpu: cpu, dmaLimit: 2 ** 32 });
  const ticks = { n: 0 };
  const tick = (): void => {
    if (++ticks.n < 3000) env.schedule(1, tick);
  };
  env.schedule(0, tick);
  const done: number[] = [];
  env.process(
    (function* () {
      const m = (yield* path.map(cpu, 0x10_0000, 4096, 'from-device'))!;
      done.push(env.now);
      yield* path.unmap(cpu, m);
      done.push(env.now);
      yield* path.map(cpu, 0x10_0000, 4096, 'from-device');
      done.push(env.now);
    })(),
  );
  env.run();
  return { log: d.log, done, events: env.events - ticks.n };
}

test('a map the IOVA cache serves allocates and writes at its start and holds once; a tree allocation comes after mapNs; an unmap with a costed clear holds once and clears as it ends', () => {
  const { log, done, events } = interleaved((env) => new InPlaceDriver(env));
  // First map: nothing cached, so the tree after mapNs (10), its lock (5), then the write (20).
  // Unmap: 10 + 20 held, cleared at 35 + 30, flushed (1000), the IOVA into this CPU's cache (1).
  // Second map: served by the cache: allocated and written at once, 10 + 1 + 20 held as one.
  assert.deepEqual(log, ['write 1048575@15', 'clear 1048575@65', 'flush@65', 'flush-range', 'write 1048575@1066']);
  assert.deepEqual(done, [35, 1066, 1097]);
  // The process's own queue entries: its start; map 3 (mapNs, lock, write); unmap 3 (hold, flush, free); map 1; its end.
  assert.equal(events, 1 + 3 + 3 + 1 + 1);
});

test('an unmap whose clears took other than the driver costed them fails loudly', () => {
  assert.throws(() => interleaved((env) => new InPlaceDriver(env, 5)), /PTE clears took 20 ns, but the driver costed them at 25 ns/);
});

test('dma_map_sg: a list the IOVA cache serves takes its IOVA at once and holds map_ns and the cache as one; else map_ns, then the tree', () => {
  const env = new Environment(1);
  const cpu = new Vcpu(env, 'vm0', 0);
  const d = new InPlaceDriver(env);
  const path = new DmaIommuPath(env, new Costs(profile(256)), new Metrics(1000), d, { mode: 'strict', timerCpu: cpu, dmaLimit: 2 ** 32 });
  let n = 0;
  const tick = (): void => {
    if (++n < 3000) env.schedule(1, tick);
  };
  env.schedule(0, tick);
  const starts: number[] = [];
  env.process(
    (function* () {
      const segs = [{ gpa: 0x10_0000, bytes: 4096 }];
      starts.push(env.now);
      const first = (yield* path.mapSg(cpu, segs, 'from-device'))!;
      yield* path.unmapSg(cpu, first);
      starts.push(env.now);
      yield* path.mapSg(cpu, segs, 'from-device');
    })(),
  );
  env.run();
  const writes = d.log.filter((l) => l.startsWith('write'));
  // The first list: nothing cached, so the tree after map_ns (10) and its lock (5); the second, from the cache: 10 + 1.
  assert.deepEqual(writes, [`write 1048575@${starts[0]! + 15}`, `write 1048575@${starts[1]! + 11}`]);
  // The process's queue entries: its start; the first list 3 (map_ns, lock, write); the unmap 3 (hold, flush, free);
  // the second list 2 (map_ns with the cache's 1 ns, write; held apart they were 3); its end.
  assert.equal(env.events - n, 1 + 3 + 3 + 2 + 1);
});
