/**
 * The host side of a confidential VM's memory in one place: attributes and backings
 * (host-backing.ts) and the second-level mapping (second-level.ts), kept consistent through the
 * operations a conversion and a guest touch perform on the host. Used by every confidential
 * kind (TDX, SEV-SNP, PEF); the guest protocols that drive it live in the models.
 *
 * Models (seed 004's host-side sequence): a conversion updates the attributes (KVM zaps the
 * second-level entries overlapping the range — a huge leaf goes whole), the VMM discards the
 * side the pages leave (if configured), and the pages that were mapped before are faulted in
 * again on their next use, now with the largest leaf the new attributes and backings allow.
 * That refault is counted at the conversion (the guest would take it on its next access).
 * A touch allocates backing and maps what was unmapped.
 * Does not model: the guest side (TLB flushes, hypercalls), time (callers charge costs from
 * the counts returned), huge-page recovery, THP collapse after a split (a THP region that is
 * uniform again is mapped huge again).
 */
import { HostBacking, PAGES_1G, PAGES_2M, hostMapPages, type Attr, type BackingConfig } from './host-backing';
import { SecondLevelMap, type LeafPolicy } from './second-level';

export interface ConversionEffect {
  /** Pages whose attribute changed. */
  readonly pages: number;
  /** Backing pages freed by the discard. */
  readonly freedPages: number;
  /** Second-level leaves removed by the zap. */
  readonly zappedLeaves: number;
  /** Huge leaves the conversion split (only partly converted). */
  readonly splits: number;
  /** EPT/NPT violations taken to map the previously mapped pages again. */
  readonly refaults: number;
  /** Of which served by guest_memfd (private) and by the VMM's mapping (shared). */
  readonly refaultsPrivate: number;
  readonly refaultsShared: number;
}

export class CvmMemory {
  readonly backing: HostBacking;
  readonly ept: SecondLevelMap;
  private readonly policy: LeafPolicy;

  constructor(
    readonly pages: number,
    config: BackingConfig,
    initial: Attr = 'private',
  ) {
    this.backing = new HostBacking(pages, config, initial);
    this.ept = new SecondLevelMap(pages);
    const b = this.backing;
    this.policy = {
      maxLeafPages(page: number): number {
        const side = b.attr(page);
        const host = hostMapPages(b.backingOf(side));
        for (const size of [PAGES_1G, PAGES_2M]) {
          if (host < size) continue;
          const a = Math.floor(page / size) * size;
          if (a + size <= pages && b.uniform(a, a + size, side)) return size;
        }
        return 1;
      },
      sameUntil(page: number, limit: number): number {
        // Within one attribute run every whole 2 MiB region is uniform, and the backing is the
        // same, so the allowed leaf is the same (1 GiB aside: callers only batch 2 MiB leaves).
        // With 1 GiB backing a later region may allow a 1 GiB leaf: stop at this 1 GiB region.
        const side = b.attr(page);
        const cap = hostMapPages(b.backingOf(side)) >= PAGES_1G ? Math.min(limit, (Math.floor(page / PAGES_1G) + 1) * PAGES_1G) : limit;
        for (const r of b.runs(page, cap)) return r.end;
        return page;
      },
    };
  }

  /** The guest uses [start, end): allocate backing and map it; returns EPT/NPT violations taken. */
  touch(start: number, end: number): number {
    const f = this.touchBySide(start, end);
    return f.private + f.shared;
  }

  /** Like touch, with the violations split by the side that served them (their costs differ). */
  touchBySide(start: number, end: number): { private: number; shared: number } {
    this.backing.touch(start, end);
    const out = { private: 0, shared: 0 };
    for (const r of this.backing.runs(start, end)) out[r.attr] += this.ept.fault(r.start, r.end, this.policy);
    return out;
  }

  /** Converts [start, end) to `to` the way KVM and the VMM handle a conversion request. */
  convert(start: number, end: number, to: Attr): ConversionEffect {
    const z = this.ept.zap(start, end);
    const r = this.backing.convert(start, end, to);
    let refaultsPrivate = 0;
    let refaultsShared = 0;
    for (const u of z.unmapped) {
      const f = this.touchBySide(u.start, u.end);
      refaultsPrivate += f.private;
      refaultsShared += f.shared;
    }
    return { pages: r.pages, freedPages: r.freedPages, zappedLeaves: z.leaves, splits: z.splits, refaults: refaultsPrivate + refaultsShared, refaultsPrivate, refaultsShared };
  }
}
