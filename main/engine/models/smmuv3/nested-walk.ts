/**
 * The 2-D nested walk of SMMUv3 (stage 1 over stage 2) and the configuration fetch, counting
 * every memory read.
 *
 * Models: each stage-1 descriptor address is an IPA that needs its own stage-2 walk before it can
 * be read, and so does the final output IPA: an n-level stage 1 over an m-level stage 2 costs
 * (n+1)(m+1) − 1 reads cold (24 for 4 × 4, 19 for 4 × 3); walk caches (per level, per stage) and
 * stage-2 TLB entries skip reads; STE fetch (1 linear, 2 for 2-level) and CD fetch (each CD-table
 * read is an IPA, so a stage-2 walk plus the read: 5 linear, 10 for 2-level).
 * Does not model: the timing (the caller charges reads × the profile's read latency), walks of
 * 16/64 KiB granules, hardware prefetch.
 */
import { GRANULE, type RadixPageTable } from '../../mem/radix-page-table';
import { s1Tag, s2Tag, walkKey, type TranslationCaches } from './translation-caches';
import { modPow2, pageBase, pageOffset } from './page-math';

export interface WalkOutcome {
  /** Output physical address, or null on a fault. */
  readonly pa: number | null;
  /** Memory reads performed. */
  readonly reads: number;
  readonly fault: 's1' | 's2' | null;
}

/** A walk's outcome as a record the hot path fills in place (one per caller, read before the next walk). */
export class WalkRecord implements WalkOutcome {
  pa: number | null = null;
  reads = 0;
  fault: 's1' | 's2' | null = null;
}

/** The stage-2 walks of a nested walk's descriptors fill this one (synchronous code: no overlap). */
const stepRecord = new WalkRecord();

function settle(r: WalkRecord, pa: number | null, reads: number, fault: 's1' | 's2' | null): WalkRecord {
  r.pa = pa;
  r.reads = reads;
  r.fault = fault;
  return r;
}

/** Stage-2 translation of one IPA: cached (0 reads), or a walk from the deepest walk-cache hit. */
export function stage2Walk(ipa: number, s2: RadixPageTable, vmid: number, caches: TranslationCaches | null): WalkOutcome {
  return stage2WalkInto(ipa, s2, vmid, caches, new WalkRecord());
}

/** stage2Walk into `r`. */
export function stage2WalkInto(ipa: number, s2: RadixPageTable, vmid: number, caches: TranslationCaches | null, r: WalkRecord): WalkRecord {
  const page = Math.floor(ipa / GRANULE);
  if (caches !== null) {
    const hit = caches.iotlb.get(s2Tag(vmid), page);
    if (hit !== undefined) return settle(r, hit + pageOffset(ipa), 0, null);
  }
  const start = caches === null ? 0 : deepestCached(caches, s2Tag(vmid), s2, ipa);
  const out = s2.descend(ipa);
  const last = s2.pathDepth - 1;
  const reads = Math.max(0, last - start + 1);
  if (caches !== null) fillWalkCache(caches, s2Tag(vmid), s2, ipa, last + 1);
  if (out === null) return settle(r, null, reads, 's2');
  if (caches !== null) caches.iotlb.set(s2Tag(vmid), page, pageBase(out));
  return settle(r, out, reads, null);
}

/**
 * Translates `va` through stage 1 (tables in IPA space) and, when `s2` is given, stage 2.
 * The combined result is not inserted in the IOTLB here: the caller decides (it knows the tags).
 */
export function nestedWalk(
  va: number,
  s1: RadixPageTable,
  s2: RadixPageTable | null,
  vmid: number,
  asid: number,
  caches: TranslationCaches | null,
): WalkOutcome {
  return nestedWalkInto(va, s1, s2, vmid, asid, caches, new WalkRecord());
}

/** nestedWalk into `r`. */
export function nestedWalkInto(
  va: number,
  s1: RadixPageTable,
  s2: RadixPageTable | null,
  vmid: number,
  asid: number,
  caches: TranslationCaches | null,
  r: WalkRecord,
): WalkRecord {
  const tag = s1Tag(vmid, asid);
  const start = caches === null ? 0 : deepestCached(caches, tag, s1, va);
  // One descent of stage 1 (pure: nothing below changes s1): the output, and the tables on the
  // path — the walk reads a descriptor in each, levels 0 … last (the deepest table that exists).
  const out = s1.descend(va);
  const last = s1.pathDepth - 1;
  let reads = 0;
  // The descriptors read: levels start … last, each an IPA stage 2 must translate first.
  for (let level = start; level <= last; level++) {
    if (s2 !== null) {
      const desc = s1.pathTable(level) + modPow2(Math.floor(va / s1.leafSpan(level)), DESCRIPTORS) * DESC_BYTES;
      const t = stage2WalkInto(desc, s2, vmid, caches, stepRecord);
      reads += t.reads;
      if (t.pa === null) return settle(r, null, reads, 's2');
    }
    reads += 1;
  }
  if (caches !== null) fillWalkCache(caches, tag, s1, va, last + 1);
  if (out === null) return settle(r, null, reads, 's1');
  if (s2 === null) return settle(r, out, reads, null);
  const o = stage2WalkInto(out, s2, vmid, caches, stepRecord);
  return settle(r, o.pa, reads + o.reads, o.fault);
}

/** Reads to fetch the configuration of a stream: the STE (physical), then the CD-table reads, each an IPA behind stage 2. */
export function configFetchReads(steReads: number, cdTableIpas: readonly number[], s2: RadixPageTable | null, vmid: number, caches: TranslationCaches | null): number {
  let reads = steReads;
  for (const ipa of cdTableIpas) {
    if (s2 !== null) reads += stage2WalkInto(ipa, s2, vmid, caches, stepRecord).reads;
    reads += 1;
  }
  return reads;
}

/** A table page holds GRANULE / 8 eight-byte descriptors (radix-page-table.ts). */
const DESC_BYTES = 8;
const DESCRIPTORS = GRANULE / DESC_BYTES;

/** The first level whose descriptor must still be read: one past the deepest level whose next-table pointer is cached. */
function deepestCached(caches: TranslationCaches, tag: number, table: RadixPageTable, addr: number): number {
  for (let level = table.levels - 2; level >= 0; level--) {
    // A hit makes the entry most recently used.
    if (caches.walk.get(tag, walkKey(level, Math.floor(addr / table.leafSpan(level)))) !== undefined) return level + 1;
  }
  return 0;
}

/**
 * Caches the table pointers read on the way down (every level except the leaf's), in order from
 * the root. When they already are the newest entries in that order — the steady state of a
 * device walking the same tables again — the sets would change nothing (set() on a present entry
 * only makes it the newest, and the value is always 1), so they are skipped: the same cache,
 * three lookups fewer per translation. Exported for its test.
 */
export function fillWalkCache(caches: TranslationCaches, tag: number, table: RadixPageTable, addr: number, stepsTaken: number): void {
  const n = stepsTaken - 1;
  const walk = caches.walk;
  let level = 0;
  while (level < n && walk.newestIs(n - 1 - level, tag, walkKey(level, Math.floor(addr / table.leafSpan(level))), 1)) level++;
  if (level === n) return;
  for (level = 0; level < n; level++) walk.set(tag, walkKey(level, Math.floor(addr / table.leafSpan(level))), 1);
}
