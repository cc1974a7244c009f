/**
 * A VFIO type1 container on the host (or, nested, inside an L1 guest): the DMA mappings its
 * VFIO_IOMMU_MAP_DMA / UNMAP_DMA ioctls created, held as the IOMMU page table behind it, which
 * translates the device's DMA at the instant of each access.
 *
 * Models: one mapping record (vfio_dma) per MAP — QEMU maps one guest leaf per notification, so
 * a record is one leaf of the table, of the leaf's size; the dma_entry_limit (65535 by default:
 * a MAP beyond it fails with ENOSPC, as Linux's does); a MAP over an existing mapping failing
 * with EEXIST; UNMAP removing every record in its range; and the unsafe window: a record removed
 * while the guest still maps its IOVA opens a gap that its re-MAP (or the guest's own unmap)
 * closes.
 * Does not model: the memory of the kernel's records and of the host table, dirty tracking.
 * Timing is the caller's (the ioctls' costs are charged by the VMM process issuing them).
 */
import { RadixPageTable } from '../../mem/radix-page-table';
import type { UnsafeWindow } from './unsafe-window';

export type VfioMapResult = 'ok' | 'enospc' | 'eexist';

/** Host table pages get fake addresses: their memory is not reported. */
function fakeTablePages(): () => number {
  let next = 0;
  return () => (next += 4096);
}

let containers = 0;

export class VfioContainer {
  private readonly table = new RadixPageTable(4, fakeTablePages());
  /** Distinguishes this container's IOVAs in the run's unsafe-window tracker. */
  private readonly tag = `c${containers++}:`;

  constructor(
    readonly dmaEntryLimit: number,
    private readonly window: UnsafeWindow,
    /** Whether the guest still maps `iova` (decides whether a removed record opens a gap). */
    private readonly guestMaps: (iova: number) => boolean,
  ) {
    if (!Number.isInteger(dmaEntryLimit) || dmaEntryLimit < 1) throw new RangeError(`dma_entry_limit must be a positive integer, got ${dmaEntryLimit}`);
  }

  get entries(): number {
    return this.table.leafCount;
  }

  map(iova: number, size: number, out: number, now: number): VfioMapResult {
    if (this.table.translate(iova) !== null || this.table.translate(iova + size - 1) !== null) return 'eexist';
    if (this.table.leafCount >= this.dmaEntryLimit) return 'enospc';
    try {
      this.table.map(iova, out, size, size >= 2 ** 30 && iova % 2 ** 30 === 0 && out % 2 ** 30 === 0 ? 2 ** 30 : size >= 2 ** 21 && iova % 2 ** 21 === 0 && out % 2 ** 21 === 0 ? 2 ** 21 : 4096);
    } catch {
      return 'eexist';
    }
    this.window.closeGap(this.tag + iova, now);
    return 'ok';
  }

  /** Removes every record in [start, start+size); returns how many and the bytes they covered. */
  unmap(start: number, size: number, now: number): { entries: number; bytes: number } {
    const end = Math.min(start + size, 2 ** this.table.inputBits);
    let entries = 0;
    let bytes = 0;
    for (const s of this.table.scan(start, end)) {
      if (s.kind !== 'leaf') continue;
      entries++;
      bytes += s.span;
      if (this.guestMaps(s.va)) this.window.openGap(this.tag + s.va, now);
    }
    if (entries > 0) this.table.unmap(start, end - start);
    return { entries, bytes };
  }

  /** Whether the host IOMMU translates `iova` now. */
  lookup(iova: number): boolean {
    return this.table.translate(iova) !== null;
  }

  /** The guest cleared its own PTEs for [iova, iova+bytes): no longer a still-mapped IOVA. */
  guestUnmapped(iova: number, bytes: number, leaf: number, now: number): void {
    if (this.window.open === 0) return;
    for (let a = iova - (iova % leaf); a < iova + bytes; a += leaf) this.window.closeGap(this.tag + a, now);
  }
}
