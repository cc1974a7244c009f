/**
 * The numbers the VT-d timing processes charge and the counters they bump, gathered in one place
 * so the processes stay independent of how the profile and the metric registry are read
 * (model.ts fills them from the declared cost and metric handles).
 */
import type { Counter } from '../../metrics/collector';
import type { DescType } from './inv-desc';
import type { IovaTreeSizes } from './iova-tree';

export interface VtdCostValues {
  /** Guest: one PTE written or cleared in the second-level table. */
  readonly pteWriteNs: number;
  /** Guest: one descriptor written into the invalidation queue. */
  readonly descWriteNs: number;
  /** Guest: reading the wait descriptor's status after the exit returns. */
  readonly waitPollNs: number;
  /** The IQT tail write: exit to the VMM and back. */
  readonly exitNs: number;
  /** The same exit from an L2 guest to its VMM inside L1 (reflected by L0). */
  readonly nestedExitNs: number;
  /** QEMU: fetching and decoding one descriptor. */
  readonly descEmulateNs: number;
  /** QEMU: one guest-memory read of a page-table descriptor during a walk. */
  readonly pteReadNs: number;
  /** QEMU: looking a leaf up in the IOVA tree. */
  readonly treeLookupNs: number;
  /** QEMU: inserting or removing an IOVA-tree node (allocation included). */
  readonly treeUpdateNs: number;
  /** QEMU: emulated IOTLB hash lookup. */
  readonly iotlbLookupNs: number;
  /** QEMU: reading the root and context entries on a context-cache miss. */
  readonly contextReadNs: number;
  /** Host kernel: VFIO map ioctl fixed cost, unmap ioctl fixed cost, per-page pin and unpin. */
  readonly mapIoctlNs: number;
  readonly unmapIoctlNs: number;
  readonly pinPageNs: number;
  readonly unpinPageNs: number;
  /** Host kernel: one host IOMMU PTE written or cleared; the host IOTLB flush closing an unmap. */
  readonly hostPteNs: number;
  readonly hostIotlbFlushNs: number;
  /** Physical IOMMU translating one device access (IOTLB hit or walk, averaged). */
  readonly hwTranslateNs: number;
  /** vhost: device-IOTLB lookup; miss round trip to QEMU and back; one invalidation message. */
  readonly vhostLookupNs: number;
  readonly vhostMissNs: number;
  readonly vhostInvalNs: number;
  /** iommufd: IOMMU_HWPT_INVALIDATE fixed cost (scalable-mode passthrough). */
  readonly hwptInvalidateNs: number;
  readonly iotlbEntries: number;
  readonly vhostIotlbEntries: number;
  readonly dmaEntryLimit: number;
  readonly treeSizes: IovaTreeSizes;
}

export interface VtdCounters {
  desc(t: DescType): Counter;
  readonly submissions: Counter;
  readonly exits: Counter;
  readonly vmmNs: Counter;
  readonly walks: Counter;
  /** Guest descriptors read by invalidation-time walks (PSI ranges, resyncs). */
  readonly pteReads: Counter;
  /** Guest descriptors read by QEMU's translate (emulated devices, vhost misses). */
  readonly translateReads: Counter;
  readonly resyncs: Counter;
  readonly vfioMaps: Counter;
  readonly vfioUnmaps: Counter;
  readonly vfioMapFailures: Counter;
  readonly iqErrors: Counter;
  readonly iotlbHits: Counter;
  readonly iotlbMisses: Counter;
  readonly faultRecords: Counter;
  readonly vhostMisses: Counter;
  readonly vhostInvals: Counter;
  readonly hwptInvalidates: Counter;
}
