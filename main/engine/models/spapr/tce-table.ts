/**
 * A TCE table: the translation table of one DMA window. Entry i translates bus page i of the
 * window; an entry is the real page number of a guest page with read/write permission bits
 * (8 bytes, LoPAR). Entry 0 (no permission) is invalid: a DMA through it is a fault.
 *
 * Models: exact table memory. One level: one flat array of window/page entries allocated whole
 * (QEMU's table). Several levels (1–5): every level holds 2^k 8-byte entries, k chosen as Linux's
 * powernv table allocator does (entry bits split evenly, at least `minLevelBytes` per level); the
 * top level exists from the start, lower levels are allocated when an entry under them first
 * becomes valid and are not freed by clears. Valid entries and the distinct guest pages they
 * reach, for DMA exposure.
 * Does not model: the host's copy of the table for VFIO, TCE caches in the PHB.
 * Pure data: no time.
 */

export const TCE_READ = 1;
export const TCE_WRITE = 2;
export const TCE_PERM_MASK = TCE_READ | TCE_WRITE;
export const TCE_BYTES = 8;

const CHUNK_SHIFT = 9;
const CHUNK = 1 << CHUNK_SHIFT;

export function tceValue(gpa: number, perms: number): number {
  return gpa + (perms & TCE_PERM_MASK);
}

export function tcePerms(tce: number): number {
  return tce % 4096 & TCE_PERM_MASK;
}

/** Guest-physical address of the page an entry points to (page-size aligned by the caller). */
export function tceAddress(tce: number): number {
  return tce - (tce % 4096);
}

export class TceTable {
  readonly entries: number;
  readonly pageSize: number;
  readonly levels: number;
  /** Entries per level page (multi-level tables). */
  readonly entriesPerLevel: number;
  private readonly chunks = new Map<number, Float64Array>();
  private valid = 0;
  /** Valid entries per guest page they point to: several mappings of one page expose it once. */
  private readonly targets = new Map<number, number>();
  /** Allocated level pages, per level (0 = top). */
  private readonly allocated: Set<number>[] = [];

  constructor(pageShift: number, entries: number, levels = 1, minLevelBytes = 4096) {
    if (!Number.isInteger(pageShift) || pageShift < 12 || pageShift > 40) throw new RangeError(`TCE page shift ${pageShift} out of range`);
    if (!Number.isSafeInteger(entries) || entries < 1) throw new RangeError(`TCE table needs at least one entry, got ${entries}`);
    if (!Number.isInteger(levels) || levels < 1 || levels > 5) throw new RangeError(`TCE table levels must be 1..5, got ${levels}`);
    this.pageSize = 2 ** pageShift;
    this.entries = entries;
    this.levels = levels;
    const entriesShift = Math.ceil(Math.log2(entries));
    const perLevelShift = Math.ceil(entriesShift / levels);
    const levelShift = Math.max(perLevelShift + 3, Math.log2(minLevelBytes));
    this.entriesPerLevel = levels === 1 ? entries : 2 ** (levelShift - 3);
    for (let l = 0; l < levels; l++) this.allocated.push(new Set());
    this.allocated[0]!.add(0);
  }

  get(index: number): number {
    this.check(index);
    const c = this.chunks.get(Math.floor(index / CHUNK));
    return c === undefined ? 0 : c[index % CHUNK]!;
  }

  /** Writes one entry (0 clears it). Returns the previous value. */
  set(index: number, tce: number): number {
    this.check(index);
    const key = Math.floor(index / CHUNK);
    let c = this.chunks.get(key);
    if (c === undefined) {
      if (tce === 0) return 0;
      c = new Float64Array(CHUNK);
      this.chunks.set(key, c);
    }
    const slot = index % CHUNK;
    const old = c[slot]!;
    c[slot] = tce;
    const wasValid = tcePerms(old) !== 0;
    const isValid = tcePerms(tce) !== 0;
    if (wasValid) {
      this.valid--;
      const a = tceAddress(old);
      const n = this.targets.get(a)! - 1;
      if (n === 0) this.targets.delete(a);
      else this.targets.set(a, n);
    }
    if (isValid) {
      this.valid++;
      const a = tceAddress(tce);
      this.targets.set(a, (this.targets.get(a) ?? 0) + 1);
    }
    if (tce !== 0 && this.levels > 1) this.touchLevels(index);
    return old;
  }

  /** Entries with a read or write permission. */
  get validCount(): number {
    return this.valid;
  }

  /** Guest memory reachable through valid entries: distinct guest pages × page size. */
  get visibleBytes(): number {
    return this.targets.size * this.pageSize;
  }

  /** Memory the table occupies: the flat table, or the allocated level pages. */
  get tableBytes(): number {
    if (this.levels === 1) return this.entries * TCE_BYTES;
    let pages = 0;
    for (const s of this.allocated) pages += s.size;
    return pages * this.entriesPerLevel * TCE_BYTES;
  }

  /** Level pages allocated at level l (0 = top); for tests and reports. */
  levelPages(l: number): number {
    return this.allocated[l]?.size ?? 0;
  }

  private touchLevels(index: number): void {
    // The page of level l that covers entry `index` is index / E^(levels-l).
    let span = this.entriesPerLevel;
    for (let l = this.levels - 1; l >= 1; l--) {
      this.allocated[l]!.add(Math.floor(index / span));
      span *= this.entriesPerLevel;
    }
  }

  private check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.entries) throw new RangeError(`TCE index ${index} outside table of ${this.entries}`);
  }
}
