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
 * Storage (the simulator's, not the modelled table's): entries in 32 KiB Float64Array chunks
 * allocated on first non-zero write, and one byte per reachable guest page for the exposure
 * counts, so a 1 TiB window costs nothing until mapped and ~9 B per TCE once it is. A TCE holds a
 * guest-physical address, below guest RAM, hence a safe integer: exact as a double.
 * Does not model: the host's copy of the table for VFIO, TCE caches in the PHB.
 * Pure data: no time.
 */

import { SparseBits, SparseCounts } from '../../mem/sparse';

export const TCE_READ = 1;
export const TCE_WRITE = 2;
export const TCE_PERM_MASK = TCE_READ | TCE_WRITE;
export const TCE_BYTES = 8;

/** Entries per chunk of the simulator's own storage (allocated when an entry in it first becomes non-zero). */
const CHUNK_SHIFT = 12;
const CHUNK = 1 << CHUNK_SHIFT;

export function tceValue(gpa: number, perms: number): number {
  return gpa + (perms & TCE_PERM_MASK);
}

// x − ⌊x / 4096⌋ × 4096 rather than x % 4096: the same value, but % on doubles above 2^31 is a
// slow library call, and a 1 TiB direct window checks 16 M entries.
export function tcePerms(tce: number): number {
  return (tce - Math.floor(tce / 4096) * 4096) & TCE_PERM_MASK;
}

/** Guest-physical address of the page an entry points to (page-size aligned by the caller). */
export function tceAddress(tce: number): number {
  return Math.floor(tce / 4096) * 4096;
}

/**
 * Writes `n` TCEs for consecutive guest pages from `gpa` (step `pageSize`) into `out`. Batch helpers
 * like this one keep the per-entry work inside this module: a call into another module per TCE
 * goes through the module loader's export getter, which dominated a 1 TiB direct window's map.
 */
export function fillTces(out: Float64Array, n: number, gpa: number, pageSize: number, perms: number): void {
  const p = perms & TCE_PERM_MASK;
  for (let i = 0; i < n; i++) out[i] = gpa + i * pageSize + p;
}

/** A TCE a hypervisor accepts: invalid (no permission), or a page-aligned guest page inside RAM. */
export function tceAcceptable(tce: number, pageSize: number, ramBytes: number): boolean {
  if (tcePerms(tce) === 0) return true;
  const gpa = tceAddress(tce);
  return Math.floor(gpa / pageSize) * pageSize === gpa && gpa + pageSize <= ramBytes;
}

/** Index of the first TCE of `tces[0..n)` a hypervisor refuses, or -1. */
export function firstBadTce(tces: ArrayLike<number>, n: number, pageSize: number, ramBytes: number): number {
  for (let i = 0; i < n; i++) if (!tceAcceptable(tces[i] ?? 0, pageSize, ramBytes)) return i;
  return -1;
}

export class TceTable {
  readonly entries: number;
  readonly pageSize: number;
  readonly levels: number;
  /** Entries per level page (multi-level tables). */
  readonly entriesPerLevel: number;
  private readonly chunks = new Map<number, Float64Array>();
  private valid = 0;
  /** Valid entries per guest page (of the window's page size) they point to: several mappings of one page expose it once. */
  private readonly targets = new SparseCounts();
  /** Allocated level pages, per level (0 = top). */
  private readonly allocated: SparseBits[] = [];

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
    for (let l = 0; l < levels; l++) this.allocated.push(new SparseBits());
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
    const c = this.chunk(index, tce !== 0);
    if (c === undefined) return 0;
    const old = c[index % CHUNK]!;
    c[index % CHUNK] = tce;
    this.account(index, old, tce);
    return old;
  }

  /** Writes `n` entries from `index` with `tces[0..n)` (H_PUT_TCE_INDIRECT), one chunk lookup per chunk. */
  setMany(index: number, tces: ArrayLike<number>, n: number): void {
    this.checkRange(index, n);
    for (let i = 0; i < n; ) {
      const at = index + i;
      const slot = at % CHUNK;
      const run = Math.min(n - i, CHUNK - slot);
      let c = this.chunks.get(Math.floor(at / CHUNK));
      for (let k = 0; k < run; k++) {
        const tce = tces[i + k] ?? 0;
        if (c === undefined) {
          if (tce === 0) continue;
          c = this.chunk(at, true)!;
        }
        const old = c[slot + k]!;
        c[slot + k] = tce;
        this.account(at + k, old, tce);
      }
      i += run;
    }
  }

  /** Writes `value` into `n` entries from `index` (H_STUFF_TCE); clearing untouched chunks costs nothing. */
  fill(index: number, n: number, value: number): void {
    this.checkRange(index, n);
    for (let i = 0; i < n; ) {
      const at = index + i;
      const slot = at % CHUNK;
      const run = Math.min(n - i, CHUNK - slot);
      const c = this.chunk(at, value !== 0);
      if (c !== undefined) {
        for (let k = 0; k < run; k++) {
          const old = c[slot + k]!;
          if (old === value) continue;
          c[slot + k] = value;
          this.account(at + k, old, value);
        }
      }
      i += run;
    }
  }

  /** Entries with a read or write permission. */
  get validCount(): number {
    return this.valid;
  }

  /** Guest memory reachable through valid entries: distinct guest pages × page size. */
  get visibleBytes(): number {
    return this.targets.distinct * this.pageSize;
  }

  /** Memory the table occupies: the flat table, or the allocated level pages. */
  get tableBytes(): number {
    if (this.levels === 1) return this.entries * TCE_BYTES;
    let pages = 0;
    for (const s of this.allocated) pages += s.size;
    return pages * this.entriesPerLevel * TCE_BYTES;
  }

  /** Bytes the simulator itself holds for this table (entry chunks and exposure counts), for benchmarks. */
  get storageBytes(): number {
    return this.chunks.size * CHUNK * 8 + this.targets.bytes;
  }

  /** Level pages allocated at level l (0 = top); for tests and reports. */
  levelPages(l: number): number {
    return this.allocated[l]?.size ?? 0;
  }

  /** The chunk holding `index`, created when `create` (a non-zero write); undefined when absent. */
  private chunk(index: number, create: boolean): Float64Array | undefined {
    const key = Math.floor(index / CHUNK);
    // Writes run along the table (a map loop, a boot clear): the last chunk looked up, present or
    // absent, first. Only this method creates chunks and none is freed, so the answer stays true.
    let c: Float64Array | undefined;
    if (key === this.lastKey) {
      c = this.lastChunk;
    } else {
      c = this.chunks.get(key);
      this.lastKey = key;
      this.lastChunk = c;
    }
    if (c === undefined && create) {
      c = new Float64Array(CHUNK);
      this.chunks.set(key, c);
      this.lastChunk = c;
    }
    return c;
  }

  private lastKey = -1;
  private lastChunk: Float64Array | undefined;

  /** Validity, exposure and level bookkeeping of one entry going from `old` to `tce`. */
  private account(index: number, old: number, tce: number): void {
    // ⌊tce / pageSize⌋ is the target page: the permission bits sit below 4 KiB, and the address is 4 KiB aligned.
    if (old !== 0 && tcePerms(old) !== 0) {
      this.valid--;
      this.targets.decrement(Math.floor(old / this.pageSize));
    }
    if (tcePerms(tce) !== 0) {
      this.valid++;
      this.targets.increment(Math.floor(tce / this.pageSize));
    }
    if (tce !== 0 && this.levels > 1) this.touchLevels(index);
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

  private checkRange(index: number, n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`TCE count ${n} is not a count`);
    if (n === 0) return;
    this.check(index);
    this.check(index + n - 1);
  }
}
