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

/** Ranges longer than this many pages are invalidated by scanning the tag instead of page by page. */
const PAGEWISE_LIMIT = 64;

export const s1Tag = (vmid: number, asid: number): string => `${vmid}:${asid}`;
export const s2Tag = (vmid: number): string => `${vmid}:s2`;

export class TranslationCaches {
  /** Value: output page address. */
  readonly iotlb: TaggedCache<number>;
  /** Key "level:prefix" → present. */
  readonly walk: TaggedCache<true>;
  /** STEs and CDs cached per SID. */
  readonly config = new Set<number>();

  constructor(iotlbEntries: number, walkCacheEntries: number) {
    this.iotlb = new TaggedCache<number>(iotlbEntries);
    this.walk = new TaggedCache<true>(walkCacheEntries);
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

  private tagsOf(vmid: number, includeS2: boolean): string[] {
    const prefix = `${vmid}:`;
    const out = new Set<string>();
    for (const tag of [...this.iotlb.tags(), ...this.walk.tags()]) if (tag.startsWith(prefix) && (includeS2 || !tag.endsWith(':s2'))) out.add(tag);
    return [...out];
  }

  private dropVmid(vmid: number, includeS2: boolean): number {
    const prefix = `${vmid}:`;
    const pred = (t: string): boolean => t.startsWith(prefix) && (includeS2 || !t.endsWith(':s2'));
    return this.iotlb.deleteTags(pred) + this.walk.deleteTags(pred);
  }

  private dropRange(tag: string, addr: number, size: number): number {
    const first = Math.floor(addr / GRANULE);
    const pages = Math.max(1, Math.ceil((addr + size) / GRANULE) - first);
    if (pages <= PAGEWISE_LIMIT) {
      let n = 0;
      for (let p = first; p < first + pages; p++) if (this.iotlb.delete(tag, String(p))) n++;
      return n;
    }
    return this.iotlb.deleteWhere(tag, (key) => {
      const p = Number(key);
      return p >= first && p < first + pages;
    });
  }
}
