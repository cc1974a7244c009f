/**
 * The guest's dma-iommu layer (Linux drivers/iommu/dma-iommu.c) for one device: IOVA
 * allocation, page-table write through the guest IOMMU driver, and unmap in strict or lazy mode.
 *
 * Models (DOMAIN.md §2): map = IOVA allocate (per-CPU cache or tree under the domain's lock) →
 * PTE write → iotlb_sync_map; strict unmap = clear PTEs → invalidate the range → wait → free the
 * IOVA; lazy unmap = clear PTEs and queue the IOVA on this CPU's flush queue; a full queue or the
 * timer causes one whole-domain flush, after which queued IOVAs are freed. A device access that
 * translates although the guest has already unmapped that page is counted in security.stale_dma
 * (the lazy window, or the short window between PTE clear and invalidation).
 * Time: a call's own CPU time (guest.dma_iommu_map_ns / _unmap_ns), the IOVA cache's and the PTE
 * writes' are consecutive holds of one process; where nothing another process can see happens
 * between them they are one hold, so a run takes one queue entry for them instead of three when
 * another thread's events interleave. A map this CPU's IOVA cache serves (no tree, no lock) takes
 * its IOVA and, with a driver writing in place, its entries at the call's start: nobody else can
 * use them before the call returns. An unmap with a driver that can cost its clears beforehand
 * (unmapPagesCostNs) holds once and clears as that hold ends (Linux's bookkeeping, iova_to_phys
 * among it, comes before iommu_unmap). A tree allocation keeps its own hold under the lock, after
 * the call's. A call starts and returns at the same instants either way, its effects moved within
 * it as said; beyond that, only an entry due at the same instant as another process's may run in
 * another order (the merged hold was queued earlier): of the examples, two results moved that way
 * (16 and 32 CPUs in lockstep on one host CMDQ), the rest only in their event counts.
 * Scatter lists (dma_map_sg): one IOVA range for the whole list (from the cache as a map's, with
 * the call's hold), one mapPages per segment, iotlb_sync_map once when the driver can defer it;
 * unmapped as one range.
 * Shadowing IOMMUs (virtio-iommu) may ask for Linux's single flush queue shared by all CPUs
 * (IOVA_SINGLE_FQ_SIZE / IOVA_SINGLE_FQ_TIMEOUT), passed in the options.
 * Does not model: swiotlb bouncing of untrusted devices, the IOVA depot trim.
 */
import { continueWith, DONE, DONE_FALSE, DONE_TRUE, holdThen, Resource, type Environment, type ProcessGenerator } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Counter, Metrics } from '../../metrics/collector';
import type { Vcpu } from '../../machine/vcpu';
import type { DmaCallSteps, DmaPath, Direction, Mapping, Segment } from '../path';
import type { UnmapNotifier } from '../unmap-notifier';
import type { IommuDomainDriver } from './driver';
import { frameAt, hexAddr, offsetOf } from '../../mem/addr';
import { SparseBits } from '../../mem/sparse';
import { DmaIommuCallSteps } from './call-steps';
import { FlushQueues } from './flush-queue';
import { IovaAllocator, type IovaAlloc } from './iova-allocator';
import { CORE_METRICS } from '../../../common/metrics/core';
import { DMA_IOMMU_COSTS } from '../../../common/profile/dma-iommu';
import { DMA_IOMMU_METRICS } from '../../../common/metrics/dma-iommu';

/** The IOVA granule: Linux's PAGE_SIZE here (4 KiB), the same as the address frame (mem/addr.ts). */
const PAGE = 4096;

export interface DmaIommuOptions {
  readonly mode: 'strict' | 'lazy';
  /** The vCPU the flush-queue timer runs on. */
  readonly timerCpu: Vcpu;
  /** Device DMA addressing limit in bytes (the DMA mask + 1, a power of two up to 2^64: exact as a double). */
  readonly dmaLimit: number;
  /** Lowest usable IOVA (Linux keeps page 0 unused). */
  readonly iovaBase?: number;
  /**
   * One flush queue for all CPUs with its own size and timeout (Linux's single queue for
   * shadowing IOMMUs); omitted: per-CPU queues of guest.iommu_fq_entries / guest.iommu_fq_timeout_ns.
   */
  readonly singleFlushQueue?: { readonly entries: number; readonly timeoutNs: number };
}

export class DmaIommuPath implements DmaPath {
  readonly name: string;
  readonly iovas: IovaAllocator;
  readonly fq: FlushQueues;
  /** The IOVA domain's tree lock (iova_rbtree_lock). */
  readonly treeLock: Resource;
  /** IOVA pages the guest has mapped (not yet unmapped), for stale-DMA detection. */
  private readonly live = new SparseBits();
  /** Pages of each live scatter list (one IOVA range), by its first IOVA page. */
  private readonly sgPages = new Map<number, number>();
  readonly mapNs: number;
  readonly unmapNs: number;
  readonly rcacheNs: number;
  private readonly treeNs: number;
  private readonly fqTimeoutNs: number;
  private timerArmed = false;
  private readonly stale: Counter;
  private readonly treeOps: Counter;
  private readonly fqFlushes: Counter;

  constructor(
    readonly env: Environment,
    costs: Costs,
    metrics: Metrics,
    readonly driver: IommuDomainDriver,
    private readonly opts: DmaIommuOptions,
  ) {
    this.name = `dma-iommu(${driver.name}, ${opts.mode})`;
    this.iovas = new IovaAllocator(Math.max(1, Math.floor((opts.iovaBase ?? PAGE) / PAGE)), Math.floor(opts.dmaLimit / PAGE));
    const single = opts.singleFlushQueue;
    this.fq = new FlushQueues(Math.max(1, Math.round(single?.entries ?? costs.get(DMA_IOMMU_COSTS.iommuFqEntries))));
    this.treeLock = new Resource(env, `${driver.name}.iova_lock`, 1);
    this.mapNs = costs.ns(DMA_IOMMU_COSTS.dmaIommuMapNs);
    this.unmapNs = costs.ns(DMA_IOMMU_COSTS.dmaIommuUnmapNs);
    this.rcacheNs = costs.ns(DMA_IOMMU_COSTS.iovaRcacheNs);
    this.treeNs = costs.ns(DMA_IOMMU_COSTS.iovaTreeNs);
    this.fqTimeoutNs = single !== undefined ? Math.round(single.timeoutNs) : costs.ns(DMA_IOMMU_COSTS.iommuFqTimeoutNs);
    this.stale = metrics.counter(CORE_METRICS.securityStaleDma);
    this.treeOps = metrics.counter(DMA_IOMMU_METRICS.iovaTreeOps);
    this.fqFlushes = metrics.counter(DMA_IOMMU_METRICS.iommuFqFlushes);
    // Only a driver that can answer at once gives the path a translateNow (else every DMA would
    // try one that always declines).
    if (driver.translateNow !== undefined) {
      this.translateNow = (pfn, off, bytes, write) => {
        const ok = driver.translateNow!(pfn, off, bytes, write);
        return ok === undefined ? undefined : this.translated(ok, pfn, off);
      };
    }
  }

  get unmapNotifier(): UnmapNotifier | undefined {
    return this.driver.unmapNotifier;
  }

  /** Pages the guest currently has mapped through this path. */
  get livePages(): number {
    return this.live.size;
  }

  *probe(cpu: Vcpu): ProcessGenerator<void> {
    yield* this.driver.probe(cpu);
  }

  *map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null> {
    const offset = offsetOf(gpa); // gpa % PAGE without an fmod past 2^31
    const pages = Math.ceil((offset + bytes) / PAGE);
    const cached = this.iovas.allocCached(pages, cpu.index);
    if (cached !== null) return yield* this.mapCached(cpu, cached, gpa, offset, pages, bytes, dir);
    if (!this.env.advance(this.mapNs)) yield this.mapNs;
    const a = this.iovas.alloc(pages, cpu.index);
    yield* this.chargeIova(a === null || a.tree);
    if (a === null) return null;
    const ok = yield* this.driver.mapPages(cpu, a.pfn * PAGE, gpa - offset, pages * PAGE, dir);
    if (!ok) {
      yield* this.chargeIova(this.iovas.free(a.pfn, pages, cpu.index));
      return null;
    }
    return this.mapped(a.pfn, pages, offset, bytes, dir, gpa);
  }

  /**
   * map when this CPU's IOVA cache served the request (`a`: no tree, no lock): the IOVA taken
   * and, with a driver that writes its entries in place (mapPagesNs), the entries written at the
   * call's start, then the call's time — its own, the cache's, the writes' — as one hold; the
   * mapping is the caller's only when the hold is over, so nothing else can see the difference.
   */
  private *mapCached(cpu: Vcpu, a: IovaAlloc, gpa: number, offset: number, pages: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null> {
    const d = this.driver;
    let ns = this.mapNs + this.rcacheNs;
    if (d.mapPagesNs !== undefined) {
      const w = d.mapPagesNs(cpu, a.pfn * PAGE, gpa - offset, pages * PAGE, dir);
      if (w >= 0) ns += w;
      if (!this.env.advance(ns)) yield ns;
      if (w >= 0) return this.mapped(a.pfn, pages, offset, bytes, dir, gpa);
    } else {
      if (!this.env.advance(ns)) yield ns;
      if (yield* d.mapPages(cpu, a.pfn * PAGE, gpa - offset, pages * PAGE, dir)) return this.mapped(a.pfn, pages, offset, bytes, dir, gpa);
    }
    yield* this.chargeIova(this.iovas.free(a.pfn, pages, cpu.index));
    return null;
  }

  *unmap(cpu: Vcpu, m: Mapping): ProcessGenerator<void> {
    const pfn = m.iovaPfn;
    const d = this.driver;
    let pages: number;
    if (d.unmapPagesNs !== undefined && d.unmapPagesCostNs !== undefined) {
      // The call's bookkeeping and the PTE clears as one hold, the entries cleared as it ends.
      const cost = d.unmapPagesCostNs(cpu, pfn * PAGE, this.rangePages(m) * PAGE);
      const ns = this.unmapNs + cost;
      if (!this.env.advance(ns)) yield ns;
      pages = this.unmapRange(m);
      this.clearedAsCosted(d.unmapPagesNs(cpu, pfn * PAGE, pages * PAGE), cost);
    } else {
      if (!this.env.advance(this.unmapNs)) yield this.unmapNs;
      pages = this.unmapRange(m);
      yield* d.unmapPages(cpu, pfn * PAGE, pages * PAGE);
    }
    if (this.opts.mode === 'strict') {
      yield* this.driver.flushRange(cpu, pfn * PAGE, pages * PAGE);
      yield* this.chargeIova(this.iovas.free(pfn, pages, cpu.index));
      return;
    }
    const ring = this.lazyRing(cpu);
    if (this.fq.isFull(ring)) yield* this.flushAndReap(cpu, ring);
    this.lazyQueue(ring, pfn, pages);
  }

  /**
   * map and unmap as steps a caller's own process yields (call-steps.ts): the same work at the
   * same instants as the generators above, one generator level fewer under every hold.
   */
  callSteps(): DmaCallSteps {
    return new DmaIommuCallSteps(this);
  }

  // The parts of map and unmap both forms share (the generators above, DmaIommuCallSteps).

  /** Map's end once the driver wrote the entries: the pages are live, the mapping returned. */
  mapped(pfn: number, pages: number, offset: number, bytes: number, dir: Direction, gpa: number): Mapping {
    for (let p = 0; p < pages; p++) this.live.add(pfn + p);
    return { iovaPfn: pfn, iovaOff: offset, bytes, dir, gpa };
  }

  /**
   * Unmap's bookkeeping after its hold: the pages of the range, no longer live. As Linux's
   * __iommu_dma_unmap, the IOVA range comes from the address and size the driver passes back
   * (for a scatter list, the whole range dma_map_sg allocated).
   */
  unmapRange(m: Mapping): number {
    const pfn = m.iovaPfn;
    const pages = this.rangePages(m);
    if (this.sgPages.size > 0) this.sgPages.delete(pfn);
    if (!this.live.has(pfn)) throw new Error(`${this.name}: unmap of IOVA ${hexAddr(pfn, m.iovaOff)}, which is not mapped`);
    for (let p = 0; p < pages; p++) this.live.delete(pfn + p);
    return pages;
  }

  /** The pages of the IOVA range an unmap of `m` covers (a scatter list's whole range), without unmapping. */
  rangePages(m: Mapping): number {
    const pages = Math.ceil((m.iovaOff + m.bytes) / PAGE);
    return this.sgPages.size > 0 ? (this.sgPages.get(m.iovaPfn) ?? pages) : pages;
  }

  /** Checks that the driver's clears took the time it said they would (unmapPagesCostNs) before doing them. */
  clearedAsCosted(ns: number, cost: number): void {
    if (ns !== cost) throw new Error(`${this.name}: the PTE clears took ${ns} ns, but the driver costed them at ${cost} ns beforehand`);
  }

  /** Whether unmaps run strict (invalidate and wait) or lazy (the flush queue). */
  get strict(): boolean {
    return this.opts.mode === 'strict';
  }

  /** The flush-queue ring a lazy unmap on `cpu` uses. */
  lazyRing(cpu: Vcpu): number {
    return this.opts.singleFlushQueue !== undefined ? 0 : cpu.index;
  }

  /** A lazy unmap's end: the range queued on `ring` (flushed first when it was full), the timer armed. */
  lazyQueue(ring: number, pfn: number, pages: number): void {
    this.fq.push(ring, pfn, pages, pages, pfn * PAGE);
    this.armTimer();
  }

  *mapSg(cpu: Vcpu, segs: readonly Segment[], dir: Direction): ProcessGenerator<Mapping[] | null> {
    if (segs.length === 0) throw new RangeError(`${this.name}: dma_map_sg of an empty list`);
    // Each segment is padded to whole pages (iommu_dma_map_sg) and placed one after another.
    const spans = segs.map((s) => Math.ceil((offsetOf(s.gpa) + s.bytes) / PAGE));
    const pages = spans.reduce((a, b) => a + b, 0);
    let a = this.iovas.allocCached(pages, cpu.index);
    if (a !== null) {
      // As map: the IOVA from this CPU's cache at once, the call's and the cache's time as one hold.
      const ns = this.mapNs + this.rcacheNs;
      if (!this.env.advance(ns)) yield ns;
    } else {
      if (!this.env.advance(this.mapNs)) yield this.mapNs;
      a = this.iovas.alloc(pages, cpu.index);
      yield* this.chargeIova(a === null || a.tree);
      if (a === null) return null;
    }
    const deferred = this.driver.mapPagesNoSync !== undefined && this.driver.syncMap !== undefined;
    const out: Mapping[] = [];
    let page = a.pfn;
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      const offset = offsetOf(s.gpa);
      const bytes = spans[i]! * PAGE;
      const ok = deferred
        ? yield* this.driver.mapPagesNoSync!(cpu, page * PAGE, s.gpa - offset, bytes, dir)
        : yield* this.driver.mapPages(cpu, page * PAGE, s.gpa - offset, bytes, dir);
      if (!ok) {
        if (page > a.pfn) yield* this.driver.unmapPages(cpu, a.pfn * PAGE, (page - a.pfn) * PAGE);
        if (page > a.pfn) yield* this.driver.flushRange(cpu, a.pfn * PAGE, (page - a.pfn) * PAGE);
        yield* this.chargeIova(this.iovas.free(a.pfn, pages, cpu.index));
        return null;
      }
      out.push({ iovaPfn: page, iovaOff: offset, bytes: s.bytes, dir, gpa: s.gpa });
      page += spans[i]!;
    }
    if (deferred) yield* this.driver.syncMap!(cpu, a.pfn * PAGE, pages * PAGE);
    this.sgPages.set(a.pfn, pages);
    for (let p = 0; p < pages; p++) this.live.add(a.pfn + p);
    return out;
  }

  *unmapSg(cpu: Vcpu, ms: readonly Mapping[]): ProcessGenerator<void> {
    if (ms.length === 0) return;
    yield* this.unmap(cpu, ms[0]!);
  }

  /**
   * The device side. Its callers `yield*` what this returns at once (DeviceDma, wrapping paths):
   * the driver's translation is started here — where a generator's first next() would start it,
   * at the same instant — and when it is over at once (a hit whose holds were all taken in
   * place), its outcome is checked here and a finished generator handed back; else the
   * generator of the rest, which checks it when it ends.
   */
  translate(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
    const g = this.driver.translate(pfn, off, bytes, write);
    const r = g.next();
    if (!r.done) return continueWith(g, r, (ok) => this.translated(ok, pfn, off));
    return this.translated(r.value, pfn, off) ? DONE_TRUE : DONE_FALSE;
  }

  /** translate as a plain generator (tests compare the two). */
  *translateGenerator(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
    return this.translated(yield* this.driver.translate(pfn, off, bytes, write), pfn, off);
  }

  /** A translation's outcome: a hit on a page the guest has unmapped is a stale DMA. */
  private translated(ok: boolean, pfn: number, off: number): boolean {
    if (ok && !this.live.has(frameAt(pfn, off))) this.stale.inc();
    return ok;
  }

  /** translate without generators when the driver can answer at once (IommuDomainDriver.translateNow). */
  readonly translateNow?: (pfn: number, off: number, bytes: number, write: boolean) => boolean | undefined;


  /** A full ring (or the timer): one whole-domain flush, then what it covers freed. */
  *flushAndReap(cpu: Vcpu, ring: number | undefined): ProcessGenerator<void> {
    this.fq.beginFlush();
    this.fqFlushes.inc();
    yield* this.driver.flushAll(cpu);
    this.fq.endFlush();
    for (const e of this.fq.reap(ring)) yield* this.chargeIova(this.iovas.free(e.pfn, e.pages, cpu.index));
  }

  private armTimer(): void {
    if (this.timerArmed) return;
    this.timerArmed = true;
    this.env.schedule(this.fqTimeoutNs, () => {
      this.timerArmed = false;
      this.env.process(this.timerFlush(), `${this.driver.name}.fq_timer`);
    });
  }

  private *timerFlush(): ProcessGenerator<void> {
    if (this.fq.queued === 0) return;
    const cpu = this.opts.timerCpu;
    yield* cpu.run(this.flushAndReap(cpu, undefined));
  }

  /**
   * The allocator's cost: the tree under its lock, or an rcache hit — taken in place when nothing
   * can interleave, then nothing is left but a finished generator (the common case: no generator
   * per map or unmap). Callers `yield*` it at once, so its work happens where a generator's first
   * step would.
   */
  private chargeIova(tree: boolean): ProcessGenerator<void> {
    if (tree) return this.treeCharge();
    return this.env.advance(this.rcacheNs) ? DONE : holdThen(this.rcacheNs, undefined);
  }

  /** The tree's cost: its lock held for iova_tree_ns (the caller `yield*`s it at once). */
  treeCharge(): ProcessGenerator<void> {
    this.treeOps.inc();
    return this.treeLock.use(this.treeNs);
  }
}
