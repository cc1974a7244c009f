/**
 * QEMU intel-iommu's emulated IOTLB (s->iotlb, a GHashTable) and context cache, the caches that
 * answer translations QEMU itself performs (emulated devices, vhost IOTLB misses).
 *
 * Models: IOTLB entries per (source-id, page frame at the leaf's level) tagged with the domain
 * ID, up to VTD_IOTLB_MAX_SIZE (1024) entries, the whole table cleared when an insert finds it
 * full (vtd_update_iotlb); lookups probe each leaf level (4 KiB, 2 MiB, 1 GiB) as
 * vtd_lookup_iotlb does; invalidation global, by domain, and page-selective (entries of the
 * domain whose page lies in the PSI's block). The context cache: one entry per device, valid
 * while its generation equals the global one; global and domain invalidations bump the
 * generation (QEMU treats both as global), device invalidations drop one entry.
 * Does not model: PASID-tagged entries, the IOTLB lock.
 */
import { VTD_PAGE } from './inv-desc';

const LEVEL_SPANS = [VTD_PAGE, 2 ** 21, 2 ** 30];

interface Entry {
  readonly did: number;
  /** First IOVA the entry covers and its span. */
  readonly base: number;
  readonly span: number;
  readonly out: number;
}

export class EmulatedIotlb {
  private readonly map = new Map<string, Entry>();
  /** Times the table was found full and cleared. */
  resets = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`IOTLB capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  /** The output address for `iova` from device `sid`, or null on a miss. */
  lookup(sid: number, iova: number): number | null {
    for (const span of LEVEL_SPANS) {
      const e = this.map.get(key(sid, Math.floor(iova / span), span));
      if (e !== undefined) return e.out + (iova - e.base);
    }
    return null;
  }

  insert(sid: number, did: number, iova: number, span: number, out: number): void {
    if (this.map.size >= this.capacity) {
      this.map.clear();
      this.resets++;
    }
    const base = Math.floor(iova / span) * span;
    this.map.set(key(sid, base / span, span), { did, base, span, out: out - (iova - base) });
  }

  invalidateAll(): void {
    this.map.clear();
  }

  invalidateDomain(did: number): void {
    for (const [k, e] of this.map) if (e.did === did) this.map.delete(k);
  }

  /** Page-selective: entries of `did` overlapping [start, end). */
  invalidateRange(did: number, start: number, end: number): void {
    for (const [k, e] of this.map) if (e.did === did && e.base < end && e.base + e.span > start) this.map.delete(k);
  }
}

function key(sid: number, frame: number, span: number): string {
  return `${sid}:${span}:${frame}`;
}

export class ContextCache {
  private gen = 1;
  private readonly entries = new Map<number, number>();

  /** Whether device `sid`'s context entry is cached (no root/context-entry reads needed). */
  hit(sid: number): boolean {
    return this.entries.get(sid) === this.gen;
  }

  fill(sid: number): void {
    this.entries.set(sid, this.gen);
  }

  /** Global or domain-selective context-cache invalidation (QEMU: vtd_context_global_invalidate). */
  invalidateAll(): void {
    this.gen++;
  }

  invalidateDevice(sid: number): void {
    this.entries.delete(sid);
  }
}
