/**
 * The mappings of one virtio-iommu domain as the device (QEMU's virtio-iommu) keeps them: an
 * ordered set of disjoint IOVA ranges, each with its physical start and permissions.
 *
 * Models the spec's rules (§5.13.6.6-7): a MAP overlapping an existing mapping is refused
 * (INVAL); an UNMAP removes every mapping entirely inside its range and fails with RANGE if it
 * would split one; lookups of an access that must lie inside one mapping with the permission.
 * Does not model: memory cost of the tree (QEMU's GTree). Pure: no time.
 */
import { MAP_READ, MAP_WRITE, type Status } from './requests';

export interface DomainMapping {
  readonly start: number;
  /** Inclusive, as in the request. */
  readonly end: number;
  readonly phys: number;
  readonly flags: number;
}

export class DomainMappings {
  /** Sorted by start; disjoint. */
  private readonly list: DomainMapping[] = [];

  get size(): number {
    return this.list.length;
  }

  all(): readonly DomainMapping[] {
    return this.list;
  }

  /** Index of the first mapping whose end is ≥ addr. */
  private lowerBound(addr: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid]!.end < addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  map(m: DomainMapping): Status {
    if (m.end < m.start) return 'inval';
    const i = this.lowerBound(m.start);
    const next = this.list[i];
    if (next !== undefined && next.start <= m.end) return 'inval';
    this.list.splice(i, 0, m);
    return 'ok';
  }

  /** Removes the mappings inside [start, end]; returns them, or RANGE if one straddles an edge. */
  unmap(start: number, end: number): { status: Status; removed: DomainMapping[] } {
    const i = this.lowerBound(start);
    let j = i;
    while (j < this.list.length && this.list[j]!.start <= end) {
      const m = this.list[j]!;
      if (m.start < start || m.end > end) return { status: 'range', removed: [] };
      j++;
    }
    return { status: 'ok', removed: this.list.splice(i, j - i) };
  }

  /** Does one mapping cover [addr, addr+bytes) with the needed permission? */
  covers(addr: number, bytes: number, write: boolean): boolean {
    const m = this.list[this.lowerBound(addr)];
    if (m === undefined || m.start > addr || m.end < addr + Math.max(1, bytes) - 1) return false;
    return (m.flags & (write ? MAP_WRITE : MAP_READ)) !== 0;
  }
}
