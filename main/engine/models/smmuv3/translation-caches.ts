/**
 * The translation caches of one SMMU instance: an IOTLB holding stage-1 (or combined nested)
 * entries tagged (VMID, ASID, VA) and stage-2 entries tagged (VMID, IPA), and walk caches for
 * the intermediate levels of both stages; plus how each invalidation command acts on them.
 *
 * Models: tag-exact invalidation (an NH_VA for one ASID never touches another ASID; an S2_IPA
 * leaves stage-1 entries alone, which is why Linux follows it with NH_ALL), range invalidation,
 * LRU capacity, hit/miss accounting. Leaf-only TLBIs (what Linux issues on unmap) keep walk caches.
 * Does not model: the micro-TLB level, set associativity, ATS/ATC contents in devices.
 */
import type { Command } from './commands';
import { GRANULE } from '../../mem/radix-page-table';
import { TaggedCache } from './tagged-cache';
import { modPow2 } from './page-math';

/**
 * Tags are numbers: VMID × 2^18 plus a code — 0 for the VMID's stage-2 entries, ASID + 2 for
 * stage-1 (or combined) entries, where ASID −1 tags a stage-2-only stream's entries.
 */
const VMID_UNIT = 2 ** 18;

export const s1Tag = (vmid: number, asid: number): number => vmid * VMID_UNIT + asid + 2;
export const s2Tag = (vmid: number): number => vmid * VMID_UNIT;
const vmidOfTag = (tag: number): number => Math.floor(tag / VMID_UNIT);
const isS2Tag = (tag: number): boolean => modPow2(tag, VMID_UNIT) === 0;

/** A walk-cache key: the table-pointer slot at `level` covering `prefix` (the address divided by the level's span). */
export const walkKey = (level: number, prefix: number): number => prefix * 8 + level;

export class TranslationCaches {
  /** Value: output page address; key: input page number. */
  readonly iotlb: TaggedCache;
  /** Key walkKey(level, prefix) → present (1). */
  readonly walk: TaggedCache;
  /** STEs and CDs cached per SID. */
  readonly config = new Set<number>();

  constructor(iotlbEntries: number, walkCacheEntries: number) {
    this.iotlb = new TaggedCache(iotlbEntries);
    this.walk = new TaggedCache(walkCacheEntries);
  }

  /** Applies an invalidation; returns cached entries dropped. Unknown or non-invalidating commands drop nothing. */
  apply(cmd: Command): number {
    const vmid = cmd.vmid ?? 0;
    switch (cmd.op) {
      case 'TLBI_NH_VA':
        return this.dropRange(s1Tag(vmid, cmd.asid ?? 0), cmd.addr ?? 0, cmd.size ?? GRANULE);
      case 'TLBI_NH_VAA': {
        let n = 0;
        for (const tag of this.tagsOf(vmid, false)) n += this.dropRange(tag, cmd.addr ?? 0, cmd.size ?? GRANULE);
        return n;
      }
      case 'TLBI_NH_ASID':
        return this.iotlb.deleteTag(s1Tag(vmid, cmd.asid ?? 0)) + this.walk.deleteTag(s1Tag(vmid, cmd.asid ?? 0));
      case 'TLBI_NH_ALL':
        return this.dropVmid(vmid, false);
      case 'TLBI_S2_IPA':
        return this.dropRange(s2Tag(vmid), cmd.addr ?? 0, cmd.size ?? GRANULE) + this.walk.deleteTag(s2Tag(vmid));
      case 'TLBI_S12_VMALL':
        return this.dropVmid(vmid, true);
      case 'TLBI_NSNH_ALL':
        return this.iotlb.clear() + this.walk.clear();
      case 'CFGI_STE':
      case 'CFGI_CD':
      case 'CFGI_CD_ALL':
        return this.config.delete(cmd.sid ?? -1) ? 1 : 0;
      case 'CFGI_STE_RANGE': {
        let n = 0;
        for (let s = cmd.sid ?? 0; s < (cmd.sid ?? 0) + (cmd.span ?? 1); s++) if (this.config.delete(s)) n++;
        return n;
      }
      case 'CFGI_ALL': {
        const n = this.config.size;
        this.config.clear();
        return n;
      }
      default:
        return 0;
    }
  }

  private tagsOf(vmid: number, includeS2: boolean): number[] {
    const out = new Set<number>();
    for (const tag of [...this.iotlb.tags(), ...this.walk.tags()]) if (vmidOfTag(tag) === vmid && (includeS2 || !isS2Tag(tag))) out.add(tag);
    return [...out];
  }

  private dropVmid(vmid: number, includeS2: boolean): number {
    const pred = (t: number): boolean => vmidOfTag(t) === vmid && (includeS2 || !isS2Tag(t));
    return this.iotlb.deleteTags(pred) + this.walk.deleteTags(pred);
  }

  /** The IOTLB entries of `tag` for the pages of [addr, addr + size). */
  private dropRange(tag: number, addr: number, size: number): number {
    const first = Math.floor(addr / GRANULE);
    const pages = Math.max(1, Math.ceil((addr + size) / GRANULE) - first);
    return this.iotlb.deleteKeyRange(tag, first, first + pages);
  }
}
