/**
 * The page-table writes of a guest or host IOMMU driver that writes its radix table in place
 * (io-pgtable-arm, intel-iommu's second level): one pte cost per descriptor written or cleared,
 * table pages a map adds counted as written. In the parts IommuDomainDriver offers (mapPagesNs,
 * unmapPagesNs, unmapPagesCostNs), and as mapPages / unmapPages made of them: the work done when
 * called, then its time taken in place or held (kernel/finished.ts).
 * Models: nothing beyond the table (mem/radix-page-table.ts) and the cost per descriptor.
 * Does not model: cache maintenance of the table's pages, the driver's locks.
 */
import { DONE, DONE_FALSE, DONE_TRUE, holdThen, type Environment, type ProcessGenerator } from '../../kernel';
import type { RadixPageTable } from '../../mem/radix-page-table';

export class InPlacePtes {
  constructor(
    private readonly env: Environment,
    /** The table, looked up at each call (a domain may rebuild its context around it). */
    private readonly table: () => RadixPageTable,
    private readonly pteNs: number,
  ) {}

  /** The entries for [iova, iova+bytes) → pa written, and the tables added; their time, or −1 when the table cannot grow. */
  mapNs(iova: number, pa: number, bytes: number): number {
    const t = this.table();
    const before = t.tablePages;
    let written: number;
    try {
      written = t.map(iova, pa, bytes);
    } catch {
      return -1;
    }
    return (written + (t.tablePages - before)) * this.pteNs;
  }

  /** The entries of [iova, iova+bytes) cleared; their time. */
  unmapNs(iova: number, bytes: number): number {
    return this.table().unmap(iova, bytes) * this.pteNs;
  }

  /** What unmapNs would take, nothing cleared. */
  unmapCostNs(iova: number, bytes: number): number {
    return this.table().leavesIn(iova, bytes) * this.pteNs;
  }

  map(iova: number, pa: number, bytes: number): ProcessGenerator<boolean> {
    const ns = this.mapNs(iova, pa, bytes);
    if (ns < 0) return DONE_FALSE;
    return this.env.advance(ns) ? DONE_TRUE : holdThen(ns, true);
  }

  unmap(iova: number, bytes: number): ProcessGenerator<void> {
    const ns = this.unmapNs(iova, bytes);
    return this.env.advance(ns) ? DONE : holdThen(ns, undefined);
  }
}
