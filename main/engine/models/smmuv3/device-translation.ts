/**
 * The device side of one physical SMMUv3 instance (physical-smmu.ts): translating one access
 * from a stream — the configuration (STE, and the CD when nested) from the configuration cache
 * or fetched through memory, the IOTLB looked up, a miss walked (nested, stage 2 only, or
 * bypass) with every memory read charged, the translation cached — or, with coldWalks, every
 * access walked as if the caches were empty (cold-walk.ts).
 * Does not model: the TBU/TCU split, ATS translation requests, stalls, the event queue.
 */
import { DONE_FALSE, DONE_TRUE, type Environment, type ProcessGenerator } from '../../kernel';
import type { Counter } from '../../metrics/collector';
import type { Histogram } from '../../metrics/histogram';
import { GRANULE, type RadixPageTable } from '../../mem/radix-page-table';
import { coldTranslate } from './cold-walk';
import { configFetchReads, nestedWalkInto, stage2WalkInto, WalkRecord } from './nested-walk';
import { pageBase } from './page-math';
import type { Smmuv3HostParams } from './params';
import type { SteConfig } from './physical-smmu';
import type { StreamTable } from './stream-table';
import { s1Tag, type TranslationCaches } from './translation-caches';

interface CachedConfig {
  vmid: number;
  s2: RadixPageTable | null;
  asid: number;
  s1: RadixPageTable | null;
}

/** The counters translations feed. */
export interface TranslationCounters {
  readonly hits: Counter;
  readonly misses: Counter;
  readonly reads: Counter;
  readonly faults: Counter;
  readonly configReads: Counter;
  readonly perTranslation: Histogram;
}

export class DeviceTranslation {
  /** The configurations read through the stream table, by SID (valid while the configuration cache holds the SID). */
  private readonly cachedConfig = new Map<number, CachedConfig>();
  /** The outcome of the walk in progress (read before the translation's yield). */
  private readonly walkRecord = new WalkRecord();

  constructor(
    private readonly env: Environment,
    private readonly params: Smmuv3HostParams,
    private readonly streamTable: StreamTable<SteConfig>,
    private readonly caches: TranslationCaches,
    private readonly c: TranslationCounters,
    private readonly cost: Record<'read' | 'hit', number>,
  ) {}

  /** A CFGI executed: the configuration of `sid` (undefined: of every stream) is read again at its next use. */
  forgetConfig(sid: number | undefined): void {
    if (sid === undefined) this.cachedConfig.clear();
    else this.cachedConfig.delete(sid);
  }

  /**
   * Device side: translates one access from stream `sid`; charges the time; false on a fault.
   * Does the lookup (and walk) when called (callers `yield*` it at once) and hands back a
   * finished generator when the time could be charged in place, else the generator of the hold
   * and what follows it.
   */
  translate(sid: number, iova: number): ProcessGenerator<boolean> {
    if (this.params.coldWalks !== 'off') return this.translateCold(sid, iova);
    let cfg = this.cachedConfig.get(sid);
    let reads = 0;
    if (cfg === undefined || !this.caches.config.has(sid)) {
      const ste = this.streamTable.get(sid);
      if (ste === undefined) {
        this.c.faults.inc();
        return DONE_FALSE;
      }
      reads += ste.cd === null ? this.streamTable.fetchReads : configFetchReads(this.streamTable.fetchReads, ste.cd.cdIpas, ste.s2, ste.vmid, this.caches);
      this.c.configReads.inc(reads);
      cfg = { vmid: ste.vmid, s2: ste.s2, asid: ste.cd?.asid ?? 0, s1: ste.cd?.s1 ?? null };
      this.cachedConfig.set(sid, cfg);
      this.caches.config.add(sid);
    }
    const page = Math.floor(iova / GRANULE);
    const tag = s1Tag(cfg.vmid, cfg.s1 === null ? -1 : cfg.asid);
    const hit = this.caches.iotlb.get(tag, page);
    if (hit !== undefined) {
      this.c.hits.inc();
      const ns = this.cost.hit + reads * this.cost.read;
      if (!this.env.advance(ns)) return this.hitHold(ns, reads);
      this.hitCounted(reads);
      return DONE_TRUE;
    }
    this.c.misses.inc();
    let pa: number | null;
    if (cfg.s1 !== null) {
      const w = nestedWalkInto(iova, cfg.s1, cfg.s2, cfg.vmid, cfg.asid, this.caches, this.walkRecord);
      reads += w.reads;
      pa = w.pa;
    } else if (cfg.s2 !== null) {
      const w = stage2WalkInto(iova, cfg.s2, cfg.vmid, this.caches, this.walkRecord);
      reads += w.reads;
      pa = w.pa;
    } else {
      pa = iova;
    }
    this.c.reads.inc(reads);
    this.c.perTranslation.record(reads);
    const ns = this.cost.hit + reads * this.cost.read;
    if (!this.env.advance(ns)) return this.walkHold(ns, pa, tag, page);
    return this.walked(pa, tag, page) ? DONE_TRUE : DONE_FALSE;
  }

  private hitCounted(reads: number): void {
    this.c.reads.inc(reads);
    this.c.perTranslation.record(reads);
  }

  private *hitHold(ns: number, reads: number): ProcessGenerator<boolean> {
    yield ns;
    this.hitCounted(reads);
    return true;
  }

  /** After a walk's hold: a fault, or the translation cached. */
  private walked(pa: number | null, tag: number, page: number): boolean {
    if (pa === null) {
      this.c.faults.inc();
      return false;
    }
    this.caches.iotlb.set(tag, page, pageBase(pa));
    return true;
  }

  private *walkHold(ns: number, pa: number | null, tag: number, page: number): ProcessGenerator<boolean> {
    yield ns;
    return this.walked(pa, tag, page);
  }

  /** coldWalks: every access misses the TLB and walk caches ("all": and the configuration cache); see cold-walk.ts. */
  private *translateCold(sid: number, iova: number): ProcessGenerator<boolean> {
    const ste = this.streamTable.get(sid);
    if (ste === undefined) {
      this.c.faults.inc();
      return false;
    }
    const fetch = this.params.coldWalks === 'all' || !this.caches.config.has(sid);
    const w = coldTranslate(ste, iova, fetch, this.streamTable.fetchReads);
    if (fetch) this.caches.config.add(sid);
    const reads = w.tableReads + w.configReads;
    this.c.misses.inc();
    this.c.reads.inc(reads);
    this.c.configReads.inc(w.configReads);
    this.c.perTranslation.record(reads);
    yield this.cost.hit + reads * this.cost.read;
    if (w.pa === null) {
      this.c.faults.inc();
      return false;
    }
    return true;
  }
}
