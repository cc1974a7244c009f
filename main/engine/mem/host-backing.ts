/**
 * Guest memory of a confidential VM as the host holds it: every guest-physical 4 KiB page is
 * private or shared; private pages are backed by guest_memfd, shared pages by the VMM's own
 * mapping (anonymous, THP or hugetlbfs), each with its page size. Both backings may hold memory
 * for the same page at once — double allocation — unless the VMM discards (punches a hole in)
 * the side a page leaves on conversion.
 *
 * Models (DOMAIN.md §8, seed 004): allocation on first touch in the backing's allocation unit
 * (a hugetlb or THP page is allocated whole, aligned in guest-physical space); punch-hole on
 * conversion freeing only what the backing can free (hugetlbfs frees whole huge pages only —
 * a 4 KiB hole in a 2 MiB hugetlb page frees nothing; THP splits and frees 4 KiB; 4 KiB frees
 * 4 KiB); exact byte counts of private-backed, shared-backed and doubly allocated memory at
 * every instant, and the peak of the latter. Sparse: one extent tree over 4 KiB page numbers.
 * Does not model: vmemmap optimisation, NUMA, memory overcommit or reclaim, memslot offsets
 * (guest-physical and file offsets are assumed to be aligned alike).
 */
import { ExtentMap } from './extent-map';

export const PAGE_SHIFT = 12;
export const PAGE = 1 << PAGE_SHIFT;
export const PAGES_2M = 512;
export const PAGES_1G = 512 * 512;

export type BackingKind = '4k' | 'thp-2m' | 'hugetlb-2m' | 'hugetlb-1g';
export const BACKING_KINDS: readonly BackingKind[] = ['4k', 'thp-2m', 'hugetlb-2m', 'hugetlb-1g'];

/** Pages one allocation of the backing takes (it is allocated whole, aligned). */
export function allocPages(b: BackingKind): number {
  return b === '4k' ? 1 : b === 'hugetlb-1g' ? PAGES_1G : PAGES_2M;
}

/** Smallest unit a punch-hole frees: hugetlbfs cannot free part of a huge page. */
export function freePages(b: BackingKind): number {
  return b === 'hugetlb-2m' ? PAGES_2M : b === 'hugetlb-1g' ? PAGES_1G : 1;
}

/** Largest second-level leaf the backing allows (in pages): the host mapping level KVM sees. */
export function hostMapPages(b: BackingKind): number {
  return allocPages(b);
}

export type Attr = 'private' | 'shared';

/** Per-page state bits. */
export const SHARED = 1;
export const PRIV_BACKED = 2;
export const SHARED_BACKED = 4;

export interface BackingConfig {
  readonly private: BackingKind;
  readonly shared: BackingKind;
  /** The VMM punches a hole in / discards the side a page leaves when it is converted. */
  readonly discard: boolean;
}

export interface ConvertResult {
  /** Pages whose attribute changed. */
  readonly pages: number;
  /** Pages of backing freed by the discard. */
  readonly freedPages: number;
}

export class HostBacking {
  private readonly map: ExtentMap<number>;
  private peakDouble = 0;

  constructor(
    /** Guest RAM in 4 KiB pages. */
    readonly pages: number,
    readonly config: BackingConfig,
    initial: Attr = 'private',
  ) {
    this.map = new ExtentMap(pages, initial === 'shared' ? SHARED : 0);
  }

  attr(page: number): Attr {
    return (this.map.get(page) & SHARED) !== 0 ? 'shared' : 'private';
  }

  /** Pages of [start, end) that are shared. */
  sharedIn(start: number, end: number): number {
    return this.map.countIn(start, end, (v) => (v & SHARED) !== 0);
  }

  /** Maximal runs of one attribute within [start, end), in order. */
  runs(start: number, end: number): { start: number; end: number; attr: Attr }[] {
    const out: { start: number; end: number; attr: Attr }[] = [];
    for (const e of this.map.range(start, end)) {
      const attr: Attr = (e.value & SHARED) !== 0 ? 'shared' : 'private';
      const last = out[out.length - 1];
      if (last !== undefined && last.attr === attr && last.end === e.start) last.end = e.end;
      else out.push({ start: e.start, end: e.end, attr });
    }
    return out;
  }

  /** True if every page of [start, end) has attribute `a`. */
  uniform(start: number, end: number, a: Attr): boolean {
    const s = this.sharedIn(start, end);
    return a === 'shared' ? s === end - start : s === 0;
  }

  /** The backing that serves a page of this attribute. */
  backingOf(a: Attr): BackingKind {
    return a === 'shared' ? this.config.shared : this.config.private;
  }

  get privateBackedBytes(): number {
    return this.countBits(PRIV_BACKED) * PAGE;
  }

  get sharedBackedBytes(): number {
    return this.countBits(SHARED_BACKED) * PAGE;
  }

  /** Guest-physical bytes for which both backings hold memory now. */
  get doubleAllocatedBytes(): number {
    return this.countBits(PRIV_BACKED | SHARED_BACKED) * PAGE;
  }

  get peakDoubleAllocatedBytes(): number {
    return this.peakDouble;
  }

  get sharedBytes(): number {
    return this.countBits(SHARED) * PAGE;
  }

  /** Extents in the tree (for memory accounting of the model itself). */
  get extents(): number {
    return this.map.extents;
  }

  /**
   * The guest touches [start, end): each page is allocated, if it is not yet, on the side its
   * attribute selects, in that backing's whole allocation unit. Returns pages newly allocated.
   */
  touch(start: number, end: number): number {
    let added = 0;
    for (const e of this.map.range(start, end)) {
      const shared = (e.value & SHARED) !== 0;
      const bit = shared ? SHARED_BACKED : PRIV_BACKED;
      if ((e.value & bit) !== 0) continue;
      const unit = allocPages(shared ? this.config.shared : this.config.private);
      const a = Math.floor(e.start / unit) * unit;
      const b = Math.min(this.pages, Math.ceil(e.end / unit) * unit);
      for (const old of this.map.update(a, b, (v) => v | bit)) if ((old.value & bit) === 0) added += old.end - old.start;
    }
    this.notePeak();
    return added;
  }

  /**
   * Converts [start, end) to `to`. With discard, the side the pages leave is punched: only the
   * backing's free units lying wholly inside the range are released.
   */
  convert(start: number, end: number, to: Attr): ConvertResult {
    const toShared = to === 'shared';
    let pages = 0;
    for (const old of this.map.update(start, end, (v) => (toShared ? v | SHARED : v & ~SHARED))) {
      if (((old.value & SHARED) !== 0) !== toShared) pages += old.end - old.start;
    }
    let freedPages = 0;
    if (this.config.discard && pages > 0) {
      const bit = toShared ? PRIV_BACKED : SHARED_BACKED;
      const unit = freePages(toShared ? this.config.private : this.config.shared);
      const a = Math.ceil(start / unit) * unit;
      const b = Math.min(Math.floor(end / unit) * unit, this.pages);
      // A huge page that ends at the top of a RAM size that is not a multiple of it is still whole.
      const bEnd = end === this.pages ? end : b;
      if (bEnd > a) {
        for (const old of this.map.update(a, bEnd, (v) => v & ~bit)) if ((old.value & bit) !== 0) freedPages += old.end - old.start;
      }
    }
    this.notePeak();
    return { pages, freedPages };
  }

  /** Checks the extent tree (tests). */
  validate(): void {
    this.map.validate();
  }

  private countBits(mask: number): number {
    let n = 0;
    for (let v = 0; v < 8; v++) if ((v & mask) === mask) n += this.map.count(v);
    return n;
  }

  private notePeak(): void {
    const d = this.doubleAllocatedBytes;
    if (d > this.peakDouble) this.peakDouble = d;
  }
}
