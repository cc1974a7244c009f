/**
 * The page-table side of a guest or host IOMMU driver that writes its radix table in place
 * (io-pgtable-arm, intel-iommu's second level): one pte cost per descriptor written or cleared,
 * table pages a map adds counted as written. A base class: it gives IommuDomainDriver's parts
 * (mapPagesNs, unmapPagesNs, unmapPagesCostNs, which dma-iommu merges with the call's own hold)
 * and mapPages / unmapPages made of them — the work done when called, then its time taken in
 * place or held (kernel/finished.ts) — for the driver to extend with its commands and translation.
 * Models: nothing beyond the table (mem/radix-page-table.ts) and the cost per descriptor.
 * Does not model: cache maintenance of the table's pages, the driver's locks.
 */
import { DONE, DONE_FALSE, DONE_TRUE, holdThen, type Environment, type ProcessGenerator } from '../../kernel';
import type { Vcpu } from '../../machine/vcpu';
import type { RadixPageTable } from '../../mem/radix-page-table';
import type { Direction } from '../path';

export abstract class InPlacePtes {
  constructor(
    private readonly ptEnv: Environment,
    private readonly pteNs: number,
  ) {}

  /** The table, looked up at each call (a domain may build its context around it after construction). */
  protected abstract pageTable(): RadixPageTable;

  /** The entries for [iova, iova+bytes) → pa written, and the tables added; their time, or −1 when the table cannot grow. */
  mapPagesNs(_cpu: Vcpu, iova: number, pa: number, bytes: number, _dir: Direction): number {
    const t = this.pageTable();
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
  unmapPagesNs(_cpu: Vcpu, iova: number, bytes: number): number {
    return this.pageTable().unmap(iova, bytes) * this.pteNs;
  }

  /** What unmapPagesNs would take, nothing cleared. */
  unmapPagesCostNs(_cpu: Vcpu, iova: number, bytes: number): number {
    return this.pageTable().leavesIn(iova, bytes) * this.pteNs;
  }

  mapPages(cpu: Vcpu, iova: number, pa: number, bytes: number, dir: Direction): ProcessGenerator<boolean> {
    const ns = this.mapPagesNs(cpu, iova, pa, bytes, dir);
    if (ns < 0) return DONE_FALSE;
    return this.ptEnv.advance(ns) ? DONE_TRUE : holdThen(ns, true);
  }

  unmapPages(cpu: Vcpu, iova: number, bytes: number): ProcessGenerator<void> {
    const ns = this.unmapPagesNs(cpu, iova, bytes);
    return this.ptEnv.advance(ns) ? DONE : holdThen(ns, undefined);
  }
}
