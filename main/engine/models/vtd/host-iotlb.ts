/**
 * The IOTLB of a physical VT-d unit as data: 4 KiB translations tagged by domain ID, least
 * recently used evicted first, invalidated globally, by domain (DSI) or by an aligned
 * power-of-two block of pages (PSI with address mask).
 *
 * Models: capacity, LRU order, the three invalidation granularities.
 * Does not model: superpage entries, paging-structure caches, PASID tags (the caller charges
 * every miss a full walk instead).
 */
export class HostIotlb {
  /** Key did * 2^40 + page (pages below 2^40: a 52-bit IOVA space of 4 KiB pages), value: output page. */
  private readonly map = new Map<number, number>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`IOTLB capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  lookup(did: number, page: number): number | undefined {
    const k = did * 2 ** 40 + page;
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }

  insert(did: number, page: number, out: number): void {
    const k = did * 2 ** 40 + page;
    this.map.delete(k);
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    this.map.set(k, out);
  }

  /** Drops `did`'s entries for pages [first, first + count); returns how many. */
  invalidatePages(did: number, first: number, count: number): number {
    let n = 0;
    if (count <= 64) {
      for (let p = first; p < first + count; p++) if (this.map.delete(did * 2 ** 40 + p)) n++;
      return n;
    }
    for (const k of [...this.map.keys()]) {
      const page = k % 2 ** 40;
      if (Math.floor(k / 2 ** 40) === did && page >= first && page < first + count && this.map.delete(k)) n++;
    }
    return n;
  }

  invalidateDomain(did: number): number {
    let n = 0;
    for (const k of [...this.map.keys()]) if (Math.floor(k / 2 ** 40) === did && this.map.delete(k)) n++;
    return n;
  }

  invalidateAll(): number {
    const n = this.map.size;
    this.map.clear();
    return n;
  }
}
