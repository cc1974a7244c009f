/**
 * dma-iommu's map and unmap as steps (DmaCallSteps): what DmaIommuPath.map and .unmap do, in
 * the same order at the same instants, for a caller that runs each step from its own process
 * (map-bench) instead of `yield*` on the path's generator. The call's own holds (mapNs, unmapNs,
 * the rcache's cost), and the PTE writes' hold of a driver that gives it (mapPagesNs,
 * unmapPagesNs), merged where DmaIommuPath merges them, are returned for the caller to yield;
 * what the driver and the tree lock hand back (generators: the driver's interface) is the
 * caller's to `yield*` (`sub`), unless it is one of the finished generators (kernel/finished.ts),
 * whose value is read here — so a hold inside the guest driver resumes through one generator
 * level fewer, and nothing is re-yielded.
 * Not a model of anything beyond dma-iommu.ts: its form of "the caller's process runs the call".
 */
import { DONE, DONE_FALSE, DONE_TRUE, type ProcessGenerator, type Yieldable } from '../../kernel';
import type { Vcpu } from '../../machine/vcpu';
import type { DmaCallSteps, Direction, Mapping } from '../path';
import type { IovaAlloc } from './iova-allocator';
import type { DmaIommuPath } from './dma-iommu';
import { offsetOf } from '../../mem/addr';

const PAGE = 4096;

// Where the call is: each stage names what happens once the step it returned has been yielded.
const IDLE = 0;
/** map held mapNs (the IOVA cache could not serve it): allocate, charge the allocator. */
const MAP_HELD = 1;
/** the allocation was charged: write the entries (or fail). */
const MAP_CHARGED = 2;
/** the driver wrote the entries (sub's value: whether it could). */
const MAP_WRITTEN = 3;
/** the driver could not: the IOVA went back, charged; the map failed. */
const MAP_UNDONE = 4;
/** unmap held unmapNs: clear the entries. */
const UNMAP_HELD = 5;
/** the entries are cleared: strict invalidates, lazy queues. */
const UNMAP_CLEARED = 6;
/** strict: the range was invalidated; free the IOVA. */
const UNMAP_FLUSHED = 7;
/** lazy: the full ring was flushed and reaped; queue the range. */
const UNMAP_REAPED = 8;
/** strict: the IOVA's free was charged; the unmap is over. */
const UNMAP_FREED = 9;
/** the call is over. */
const OVER = 10;
/** unmap held unmapNs and the clears' cost (unmapPagesCostNs): clear the entries, as costed. */
const UNMAP_COSTED = 11;

export class DmaIommuCallSteps implements DmaCallSteps {
  mapping: Mapping | null = null;
  private stage = IDLE;
  sub: ProcessGenerator<unknown> | null = null;
  /** What the last generator returned. */
  private value: unknown = undefined;
  private cpu: Vcpu | null = null;
  private gpa = 0;
  private bytes = 0;
  private dir: Direction = 'bidirectional';
  private offset = 0;
  private pages = 0;
  private alloc: IovaAlloc | null = null;
  private unmapping: Mapping | null = null;
  private pfn = 0;
  private ring = 0;
  /** What the driver costed an unmap's clears at (UNMAP_COSTED). */
  private cost = 0;

  constructor(private readonly path: DmaIommuPath) {}

  map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): Yieldable | null {
    this.begin(cpu);
    this.gpa = gpa;
    this.bytes = bytes;
    this.dir = dir;
    this.mapping = null;
    const path = this.path;
    const offset = (this.offset = offsetOf(gpa));
    const pages = (this.pages = Math.ceil((offset + bytes) / PAGE));
    let ns = path.mapNs;
    const a = (this.alloc = path.iovas.allocCached(pages, cpu.index));
    if (a !== null) {
      // DmaIommuPath.mapCached: the IOVA (and entries written in place) now, one hold for the call.
      const d = path.driver;
      ns += path.rcacheNs;
      if (d.mapPagesNs !== undefined) {
        const w = d.mapPagesNs(cpu, a.pfn * PAGE, gpa - offset, pages * PAGE, dir);
        this.value = w >= 0;
        if (w >= 0) ns += w;
        this.stage = MAP_WRITTEN;
      } else this.stage = MAP_CHARGED;
    } else this.stage = MAP_HELD;
    if (!path.env.advance(ns)) return ns;
    return this.step();
  }

  unmap(cpu: Vcpu, m: Mapping): Yieldable | null {
    this.begin(cpu);
    this.pfn = m.iovaPfn;
    this.unmapping = m;
    const path = this.path;
    const d = path.driver;
    let ns = path.unmapNs;
    if (d.unmapPagesNs !== undefined && d.unmapPagesCostNs !== undefined) {
      // DmaIommuPath.unmap: the bookkeeping and the clears as one hold, the entries cleared as it ends.
      this.cost = d.unmapPagesCostNs(cpu, m.iovaPfn * PAGE, path.rangePages(m) * PAGE);
      ns += this.cost;
      this.stage = UNMAP_COSTED;
    } else this.stage = UNMAP_HELD;
    if (!path.env.advance(ns)) return ns;
    return this.step();
  }

  next(): Yieldable | null {
    return this.step();
  }

  resume(value: unknown): Yieldable | null {
    this.sub = null;
    this.value = value;
    return this.step();
  }

  private begin(cpu: Vcpu): void {
    if (this.stage !== IDLE && this.stage !== OVER) throw new Error(`${this.path.name}: a DMA call started while one is in progress on the same steps`);
    this.cpu = cpu;
    this.sub = null;
  }

  /**
   * `yield*` g from here: a finished generator's value read at once (undefined: go on), else g
   * left in `sub` for the caller to `yield*` now (null) — where its first step is taken, as under `yield*`.
   */
  private run(g: ProcessGenerator<unknown>): null | undefined {
    if (g === DONE || g === DONE_TRUE || g === DONE_FALSE) {
      this.value = g === DONE ? undefined : g === DONE_TRUE;
      return undefined;
    }
    this.sub = g;
    return null;
  }

  /** The allocator's cost (DmaIommuPath.chargeIova): the tree lock's generator (null: the caller's `sub`), the rcache's hold, or nothing left. */
  private charge(tree: boolean): Yieldable | null | undefined {
    if (tree) return this.run(this.path.treeCharge());
    const ns = this.path.rcacheNs;
    return this.path.env.advance(ns) ? undefined : ns;
  }

  /**
   * Runs the stages from the current one until one leaves a hold to yield or a generator in
   * `sub` (null), or the call is over (null, no sub).
   */
  private step(): Yieldable | null {
    const path = this.path;
    const cpu = this.cpu!;
    for (;;) {
      // What the stage left: a hold, null (a sub for the caller), or undefined (go on at once).
      let y: Yieldable | null | undefined;
      switch (this.stage) {
        case MAP_HELD: {
          const a = (this.alloc = path.iovas.alloc(this.pages, cpu.index));
          this.stage = MAP_CHARGED;
          y = this.charge(a === null || a.tree);
          break;
        }
        case MAP_CHARGED: {
          const a = this.alloc;
          if (a === null) return this.over();
          this.stage = MAP_WRITTEN;
          const d = path.driver;
          if (d.mapPagesNs !== undefined) {
            const ns = d.mapPagesNs(cpu, a.pfn * PAGE, this.gpa - this.offset, this.pages * PAGE, this.dir);
            this.value = ns >= 0;
            y = ns < 0 || path.env.advance(ns) ? undefined : ns;
          } else y = this.run(d.mapPages(cpu, a.pfn * PAGE, this.gpa - this.offset, this.pages * PAGE, this.dir));
          break;
        }
        case MAP_WRITTEN: {
          const a = this.alloc!;
          if (!this.value) {
            this.stage = MAP_UNDONE;
            y = this.charge(path.iovas.free(a.pfn, this.pages, cpu.index));
            break;
          }
          this.mapping = path.mapped(a.pfn, this.pages, this.offset, this.bytes, this.dir, this.gpa);
          return this.over();
        }
        case MAP_UNDONE:
          return this.over();
        case UNMAP_HELD: {
          this.pages = path.unmapRange(this.unmapping!);
          this.stage = UNMAP_CLEARED;
          const d = path.driver;
          if (d.unmapPagesNs !== undefined) {
            const ns = d.unmapPagesNs(cpu, this.pfn * PAGE, this.pages * PAGE);
            y = path.env.advance(ns) ? undefined : ns;
          } else y = this.run(d.unmapPages(cpu, this.pfn * PAGE, this.pages * PAGE));
          break;
        }
        case UNMAP_COSTED:
          this.pages = path.unmapRange(this.unmapping!);
          path.clearedAsCosted(path.driver.unmapPagesNs!(cpu, this.pfn * PAGE, this.pages * PAGE), this.cost);
          this.stage = UNMAP_CLEARED;
          y = undefined;
          break;
        case UNMAP_CLEARED: {
          if (path.strict) {
            this.stage = UNMAP_FLUSHED;
            y = this.run(path.driver.flushRange(cpu, this.pfn * PAGE, this.pages * PAGE));
            break;
          }
          const ring = (this.ring = path.lazyRing(cpu));
          this.stage = UNMAP_REAPED;
          y = path.fq.isFull(ring) ? this.run(path.flushAndReap(cpu, ring)) : undefined;
          break;
        }
        case UNMAP_FLUSHED:
          this.stage = UNMAP_FREED;
          y = this.charge(path.iovas.free(this.pfn, this.pages, cpu.index));
          break;
        case UNMAP_FREED:
          return this.over();
        case UNMAP_REAPED:
          path.lazyQueue(this.ring, this.pfn, this.pages);
          return this.over();
        case OVER:
          return this.over();
        default:
          throw new Error(`${path.name}: DMA call steps continued with no call in progress`);
      }
      if (y !== undefined) return y;
    }
  }

  private over(): null {
    this.stage = OVER;
    this.alloc = null;
    this.unmapping = null;
    this.cpu = null;
    return null;
  }
}
