/**
 * vhost's device IOTLB (drivers/vhost/iotlb.c): the translations the vhost worker uses for
 * guest IOVAs, filled by VHOST_IOTLB_UPDATE messages QEMU sends in answer to misses, emptied by
 * VHOST_IOTLB_INVALIDATE (QEMU's UNMAP notifications).
 *
 * Models: entries per page, a limit (max_iotlb_entries, 2048 by default) with the oldest retired
 * when full (VHOST_IOTLB_FLAG_RETIRE), range invalidation.
 * Does not model: the interval tree's own cost, permissions.
 */
export class VhostIotlb {
  private readonly pages = new Map<number, number>();
  retired = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`vhost IOTLB limit must be a positive integer, got ${limit}`);
  }

  get size(): number {
    return this.pages.size;
  }

  lookup(page: number): boolean {
    return this.pages.has(page);
  }

  update(page: number, out: number): void {
    if (this.pages.has(page)) return;
    if (this.pages.size >= this.limit) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
      this.retired++;
    }
    this.pages.set(page, out);
  }

  /** Drops pages in [first, first+count); a huge range walks the entries instead of the pages. */
  invalidate(first: number, count: number): number {
    let n = 0;
    if (count > this.pages.size) {
      for (const p of [...this.pages.keys()]) if (p >= first && p < first + count && this.pages.delete(p)) n++;
    } else {
      for (let p = first; p < first + count; p++) if (this.pages.delete(p)) n++;
    }
    return n;
  }
}
