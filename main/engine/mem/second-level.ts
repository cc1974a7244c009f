/**
 * The second-level (EPT / NPT) mapping of a confidential VM's guest-physical space, as leaf
 * entries per range: 4 KiB leaves, 2 MiB leaves, 1 GiB leaves, and the table pages holding them.
 *
 * Models (DOMAIN.md §8): a fault maps each touched, unmapped range with the largest leaf that
 * (a) the host backing of that side allows (its page size) and (b) the memory attributes allow —
 * a 2 MiB or 1 GiB region with mixed private/shared pages cannot be one leaf (KVM's
 * lpage_info "mixed" disallow); a zap removes every leaf overlapping a range (a huge leaf is
 * removed whole, so zapping one 4 KiB page of a 2 MiB leaf unmaps 2 MiB). A huge leaf that a
 * zap only partly covers counts as a split. Table pages (4 KiB, 512 entries) are counted while
 * they hold an entry: a PT per 2 MiB region with 4 KiB leaves, a PD per 1 GiB region with 2 MiB
 * leaves or PTs, a PDPT per 512 GiB region, one root. Sparse: extent trees plus maps keyed by
 * the regions that are split.
 * Does not model: TDX S-EPT demotion without a zap, huge-page recovery (re-collapsing a region
 * that became uniform again), A/D bits, the shadow MMU.
 */
import { ExtentMap } from './extent-map';
import { PAGES_1G, PAGES_2M } from './host-backing';

const L2M = 2;
const L1G = 3;
const UNITS_PER_1G = 512;
const GIB_PER_512G = 512;
export const EPT_TABLE_BYTES = 4096;

/** What a fault may map over one region: the caller's view of backing and attributes. */
export interface LeafPolicy {
  /** Largest leaf (pages: 1, 512 or 262144) allowed for the aligned region of that size holding `page`. */
  maxLeafPages(page: number): number;
  /**
   * Optional: the end (≤ limit) of the run from `page` over which maxLeafPages stays the same as at
   * `page`, so a long uniform range is mapped with one tree update instead of one per 2 MiB.
   */
  sameUntil?(page: number, limit: number): number;
}

export interface Range {
  readonly start: number;
  readonly end: number;
}

export interface ZapResult {
  /** Pages that were mapped (by any leaf) and are not any more. */
  readonly unmapped: Range[];
  /** Leaves removed. */
  readonly leaves: number;
  /** Huge leaves only partly inside the zapped range (they had to go whole). */
  readonly splits: number;
}

export class SecondLevelMap {
  /** 4 KiB leaves, per page. */
  private readonly small: ExtentMap<boolean>;
  /** 2 MiB regions: 0 = no huge leaf, 2 = a 2 MiB leaf, 3 = inside a 1 GiB leaf. */
  private readonly huge: ExtentMap<number>;
  /** 4 KiB leaves per 2 MiB region that has any (one PT each). */
  private readonly pt = new Map<number, number>();
  /** Children (2 MiB leaves + PTs) per 1 GiB region that has any (one PD each). */
  private readonly pd = new Map<number, number>();
  /** Children (1 GiB leaves + PDs) per 512 GiB region (one PDPT each). */
  private readonly pdpt = new Map<number, number>();
  splitsTotal = 0;
  faultsTotal = 0;

  constructor(readonly pages: number) {
    this.small = new ExtentMap(pages, false);
    this.huge = new ExtentMap(Math.ceil(pages / PAGES_2M), 0);
  }

  get leaves4k(): number {
    return this.small.count(true);
  }

  get leaves2m(): number {
    return this.huge.count(L2M);
  }

  get leaves1g(): number {
    return this.huge.count(L1G) / UNITS_PER_1G;
  }

  get entries(): number {
    return this.leaves4k + this.leaves2m + this.leaves1g;
  }

  get tablePages(): number {
    return 1 + this.pdpt.size + this.pd.size + this.pt.size;
  }

  get tableBytes(): number {
    return this.tablePages * EPT_TABLE_BYTES;
  }

  /** Leaf size mapping `page` (pages), 0 if unmapped. */
  leafAt(page: number): number {
    const h = this.huge.get(Math.floor(page / PAGES_2M));
    if (h === L1G) return PAGES_1G;
    if (h === L2M) return PAGES_2M;
    return this.small.get(page) ? 1 : 0;
  }

  /** Maps every unmapped page of [start, end) with the largest leaf `policy` allows; returns leaves created (EPT violations). */
  fault(start: number, end: number, policy: LeafPolicy): number {
    let faults = 0;
    let p = start;
    while (p < end) {
      const leaf = this.leafAt(p);
      if (leaf > 0) {
        p = Math.floor(p / leaf) * leaf + leaf;
        continue;
      }
      const max = policy.maxLeafPages(p);
      const g = Math.floor(p / PAGES_1G);
      const u = Math.floor(p / PAGES_2M);
      if (max >= PAGES_1G && (g + 1) * PAGES_1G <= this.pages && this.regionEmpty1g(g)) {
        this.huge.set(g * UNITS_PER_1G, (g + 1) * UNITS_PER_1G, L1G);
        this.bump(this.pdpt, Math.floor(g / GIB_PER_512G), 1);
        p = (g + 1) * PAGES_1G;
      } else if (max === PAGES_2M && p === u * PAGES_2M && policy.sameUntil !== undefined && this.mapRun2m(u, end, policy)) {
        const n = this.lastRun;
        faults += n - 1;
        p = (u + n) * PAGES_2M;
      } else if (max >= PAGES_2M && (u + 1) * PAGES_2M <= this.pages && !this.pt.has(u)) {
        this.huge.set(u, u + 1, L2M);
        this.addToPd(g, 1);
        p = (u + 1) * PAGES_2M;
      } else {
        // 4 KiB leaves up to the end of this 2 MiB region or of the range, skipping mapped ones.
        const stop = Math.min(end, (u + 1) * PAGES_2M);
        let added = 0;
        for (const old of this.small.update(p, stop, () => true)) if (!old.value) added += old.end - old.start;
        if (added > 0) {
          const had = this.pt.get(u) ?? 0;
          if (had === 0) this.addToPd(g, 1);
          this.pt.set(u, had + added);
        }
        faults += added - 1;
        p = stop;
      }
      faults++;
    }
    this.faultsTotal += faults;
    return faults;
  }

  /** Removes every leaf overlapping [start, end). */
  zap(start: number, end: number): ZapResult {
    const unmapped: Range[] = [];
    let leaves = 0;
    let splits = 0;
    if (start >= end) return { unmapped, leaves, splits };
    const u0 = Math.floor(start / PAGES_2M);
    const u1 = Math.ceil(end / PAGES_2M);
    for (const e of this.huge.range(u0, u1)) {
      if (e.value === 0) continue;
      if (e.value === L1G) {
        const g0 = Math.floor(e.start / UNITS_PER_1G);
        const g1 = Math.ceil(e.end / UNITS_PER_1G);
        for (let g = g0; g < g1; g++) {
          const a = g * PAGES_1G;
          const b = a + PAGES_1G;
          this.huge.set(g * UNITS_PER_1G, (g + 1) * UNITS_PER_1G, 0);
          this.bump(this.pdpt, Math.floor(g / GIB_PER_512G), -1);
          unmapped.push({ start: a, end: b });
          leaves++;
          if (a < start || b > end) splits++;
        }
      } else {
        for (let u = e.start; u < e.end; u++) {
          const a = u * PAGES_2M;
          const b = Math.min(this.pages, a + PAGES_2M);
          unmapped.push({ start: a, end: b });
          leaves++;
          this.addToPd(Math.floor(u / UNITS_PER_1G), -1);
          if (a < start || b > end) splits++;
        }
        this.huge.set(e.start, e.end, 0);
      }
    }
    for (const e of this.small.range(start, end)) {
      if (!e.value) continue;
      unmapped.push({ start: e.start, end: e.end });
      leaves += e.end - e.start;
      for (let u = Math.floor(e.start / PAGES_2M); u * PAGES_2M < e.end; u++) {
        const n = Math.min(e.end, (u + 1) * PAGES_2M) - Math.max(e.start, u * PAGES_2M);
        const left = this.pt.get(u)! - n;
        if (left === 0) {
          this.pt.delete(u);
          this.addToPd(Math.floor(u / UNITS_PER_1G), -1);
        } else this.pt.set(u, left);
      }
    }
    this.small.set(start, end, false);
    unmapped.sort((x, y) => x.start - y.start);
    this.splitsTotal += splits;
    return { unmapped, leaves, splits };
  }

  private lastRun = 0;

  /** Maps units u.. with 2 MiB leaves in one update if they are all empty and allowed; sets lastRun. */
  private mapRun2m(u: number, end: number, policy: LeafPolicy): boolean {
    const wantEnd = Math.min(Math.ceil(end / PAGES_2M), Math.floor(this.pages / PAGES_2M));
    const runEnd = Math.floor(policy.sameUntil!(u * PAGES_2M, wantEnd * PAGES_2M) / PAGES_2M);
    const n = Math.min(wantEnd, runEnd) - u;
    if (n < 2) return false;
    if (this.huge.countIn(u, u + n, (v) => v !== 0) > 0) return false;
    if (this.small.countIn(u * PAGES_2M, (u + n) * PAGES_2M, (v) => v) > 0) return false;
    this.huge.set(u, u + n, L2M);
    for (let g = Math.floor(u / UNITS_PER_1G); g * UNITS_PER_1G < u + n; g++) {
      const a = Math.max(u, g * UNITS_PER_1G);
      const b = Math.min(u + n, (g + 1) * UNITS_PER_1G);
      this.addToPd(g, b - a);
    }
    this.lastRun = n;
    return true;
  }

  private regionEmpty1g(g: number): boolean {
    if (this.huge.countIn(g * UNITS_PER_1G, (g + 1) * UNITS_PER_1G, (v) => v !== 0) > 0) return false;
    return this.small.countIn(g * PAGES_1G, (g + 1) * PAGES_1G, (v) => v) === 0;
  }

  private addToPd(g: number, d: number): void {
    const had = this.pd.get(g) ?? 0;
    const now = had + d;
    if (now < 0) throw new Error('second-level map: PD underflow');
    if (now === 0) this.pd.delete(g);
    else this.pd.set(g, now);
    if (had === 0 && now > 0) this.bump(this.pdpt, Math.floor(g / GIB_PER_512G), 1);
    if (had > 0 && now === 0) this.bump(this.pdpt, Math.floor(g / GIB_PER_512G), -1);
  }

  private bump(m: Map<number, number>, k: number, d: number): void {
    const now = (m.get(k) ?? 0) + d;
    if (now < 0) throw new Error('second-level map: table underflow');
    if (now === 0) m.delete(k);
    else m.set(k, now);
  }
}
