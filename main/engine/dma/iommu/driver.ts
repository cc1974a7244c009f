/**
 * The interface between the generic guest DMA-API layer (dma-iommu) and a guest IOMMU driver
 * (SMMUv3, VT-d...): what the layer asks of one device's domain. Every generator runs on the
 * vCPU the caller already holds and charges its own costs.
 * IOVAs given to the page-table methods are page-aligned (exact as doubles below 2^64, see
 * mem/addr.ts); the device-side address is a frame number and an offset.
 */
import type { ProcessGenerator } from '../../kernel';
import type { Vcpu } from '../../machine/vcpu';
import type { Direction } from '../path';
import type { UnmapNotifier } from '../unmap-notifier';

export interface IommuDomainDriver {
  readonly name: string;
  /** Driver probe / attach: boot-time configuration of the device (stream table, context, invalidations). */
  probe(cpu: Vcpu): ProcessGenerator<void>;
  /** Writes the page-table entries for [iova, iova+bytes) → gpa and does iotlb_sync_map; false when the table cannot grow. */
  mapPages(cpu: Vcpu, iova: number, gpa: number, bytes: number, dir: Direction): ProcessGenerator<boolean>;
  /** Clears the page-table entries of [iova, iova+bytes) (no invalidation). */
  unmapPages(cpu: Vcpu, iova: number, bytes: number): ProcessGenerator<void>;
  /**
   * mapPages and unmapPages as their parts, for a driver whose work there is done when called
   * and then charged as one hold: the work done, the hold's ns returned for the caller to take
   * (−1: the table cannot grow, nothing held). mapPages is then exactly "hold what mapPagesNs
   * returned, then true" (false at −1), unmapPages likewise. Optional; dma-iommu's call steps
   * use them (call-steps.ts) to take the hold in the caller's own process.
   */
  mapPagesNs?(cpu: Vcpu, iova: number, gpa: number, bytes: number, dir: Direction): number;
  unmapPagesNs?(cpu: Vcpu, iova: number, bytes: number): number;
  /**
   * What unmapPagesNs would return for the range, with nothing cleared: with both, dma-iommu
   * charges an unmap's bookkeeping and its clears as one hold and clears as it ends.
   */
  unmapPagesCostNs?(cpu: Vcpu, iova: number, bytes: number): number;
  /** Invalidates the IOTLB for [iova, iova+bytes) and waits for completion (strict unmap, iotlb_sync). */
  flushRange(cpu: Vcpu, iova: number, bytes: number): ProcessGenerator<void>;
  /** Invalidates the whole domain and waits (flush_iotlb_all, used by the lazy flush queue). */
  flushAll(cpu: Vcpu): ProcessGenerator<void>;
  /**
   * iommu_map_sg's inner step: writes the entries without iotlb_sync_map; the layer calls
   * syncMap once for the whole list afterwards. Drivers without it get mapPages per segment.
   */
  mapPagesNoSync?(cpu: Vcpu, iova: number, gpa: number, bytes: number, dir: Direction): ProcessGenerator<boolean>;
  /** iotlb_sync_map for [iova, iova+bytes) after mapPagesNoSync calls. */
  syncMap?(cpu: Vcpu, iova: number, bytes: number): ProcessGenerator<void>;
  /** UNMAP notifications the vIOMMU sends to translation caches behind it (vhost), if any. */
  readonly unmapNotifier?: UnmapNotifier;
  /** Device side: translates one access at `pfn` × 4 KiB + `off`; false is a fault. */
  translate(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean>;
  /** translate when it can be done in place (no time, or its time taken with env.advance), else undefined with nothing changed (DmaPath.translateNow). */
  translateNow?(pfn: number, off: number, bytes: number, write: boolean): boolean | undefined;
}
