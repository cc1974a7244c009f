/**
 * vhost's device IOTLB (drivers/vhost/iotlb.c) as data: translations the VMM sent with
 * VHOST_IOTLB_UPDATE, looked up by the vhost worker for every descriptor, removed by
 * VHOST_IOTLB_INVALIDATE (QEMU forwards the vIOMMU's UNMAP notifications).
 *
 * Models: page-granular entries, keyed by 4 KiB frame (exact over 64 bits) (the vIOMMU answers a miss with its leaf, 4 KiB here) with read
 * and write permission; a capacity after which the oldest entry is retired (VHOST_IOTLB_FLAG_RETIRE);
 * range invalidation; hit/miss lookup of a whole access.
 * Does not model: entries larger than a page, the interval tree's cost. Pure: no time.
 */

import { frameAt } from '../../mem/addr';

export const IOTLB_PAGE = 4096;

export interface IotlbEntry {
  readonly write: boolean;
}

export class VhostIotlb {
  /** Page number → entry, in insertion order (the retire order). */
  private readonly entries = new Map<number, IotlbEntry>();
  retired = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('a vhost IOTLB needs at least one entry');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The 4 KiB frames of the access at frame `pfn` + `off` bytes that have no entry allowing it. */
  missing(pfn: number, off: number, bytes: number, write: boolean): number[] {
    const out: number[] = [];
    const first = frameAt(pfn, off);
    const last = frameAt(pfn, off + Math.max(1, bytes) - 1);
    for (let p = first; p <= last; p++) {
      const e = this.entries.get(p);
      if (e === undefined || (write && !e.write)) out.push(p);
    }
    return out;
  }

  /** VHOST_IOTLB_UPDATE for one page. */
  insert(page: number, write: boolean): void {
    this.entries.delete(page);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value as number;
      this.entries.delete(oldest);
      this.retired++;
    }
    this.entries.set(page, { write });
  }

  /** VHOST_IOTLB_INVALIDATE of the frames [first, last]; returns how many entries it removed. */
  invalidate(first: number, last: number): number {
    let n = 0;
    if (last - first + 1 > this.entries.size) {
      for (const p of [...this.entries.keys()]) if (p >= first && p <= last && this.entries.delete(p)) n++;
      return n;
    }
    for (let p = first; p <= last; p++) if (this.entries.delete(p)) n++;
    return n;
  }

  clear(): void {
    this.entries.clear();
  }
}
