/**
 * A VFIO type1 container on the host (or, nested, inside an L1 guest): the DMA mappings its
 * VFIO_IOMMU_MAP_DMA / UNMAP_DMA ioctls created, which the IOMMU behind it uses to translate
 * the device's DMA.
 *
 * Models: one vfio_dma record per MAP (kept in a balanced tree, as the kernel's rb-tree), the
 * dma_entry_limit (65535 by default: a MAP beyond it fails with ENOSPC, as Linux's does), MAP of
 * an overlapping range failing with EEXIST, UNMAP removing every record in its range, the host
 * mapping looked up at the instant of each DMA, and the unsafe window: a record removed while
 * the guest still maps its IOVA opens a gap that its re-MAP (or the guest's own unmap) closes.
 * Does not model: the memory of the kernel's records, dirty tracking, vaddr updates.
 * Timing is the caller's (the ioctls' costs are charged by the VMM process issuing them).
 */
import { IovaTree } from './iova-tree';
import type { UnsafeWindow } from './unsafe-window';

export type VfioMapResult = 'ok' | 'enospc' | 'eexist';

/** The kernel's records are counted, their memory is not reported: zero sizes. */
const UNCOUNTED = { nodeBytes: 0, elementBytes: 0, mallocHeaderBytes: 0, mallocAlignBytes: 1, mallocMinChunkBytes: 0 };

export class VfioContainer {
  private readonly records = new IovaTree(UNCOUNTED);

  constructor(
    readonly dmaEntryLimit: number,
    private readonly window: UnsafeWindow,
    /** Whether the guest still maps `iova` (decides whether a removed record opens a gap). */
    private readonly guestMaps: (iova: number) => boolean,
  ) {
    if (!Number.isInteger(dmaEntryLimit) || dmaEntryLimit < 1) throw new RangeError(`dma_entry_limit must be a positive integer, got ${dmaEntryLimit}`);
  }

  get entries(): number {
    return this.records.nodes;
  }

  map(iova: number, size: number, out: number, now: number): VfioMapResult {
    if (this.records.overlaps(iova, iova + size)) return 'eexist';
    if (this.records.nodes >= this.dmaEntryLimit) return 'enospc';
    this.records.insert(iova, size, out, 3);
    this.window.closeGap(iova, now);
    return 'ok';
  }

  /** Removes every record in [start, start+size); returns how many and the bytes they covered. */
  unmap(start: number, size: number, now: number): { entries: number; bytes: number } {
    const gone = this.records.remove(start, start + size);
    let bytes = 0;
    for (const r of gone) {
      bytes += r.size;
      if (this.guestMaps(r.iova)) this.window.openGap(r.iova, now);
    }
    return { entries: gone.length, bytes };
  }

  /** Whether the host IOMMU translates `iova` now. */
  lookup(iova: number): boolean {
    return this.records.overlaps(iova, iova + 1);
  }

  /** The guest cleared its own PTEs for [iova, iova+bytes): no longer a still-mapped IOVA. */
  guestUnmapped(iova: number, bytes: number, leaf: number, now: number): void {
    for (let a = iova - (iova % leaf); a < iova + bytes; a += leaf) this.window.closeGap(a, now);
  }
}
