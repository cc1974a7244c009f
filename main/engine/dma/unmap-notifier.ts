/**
 * IOMMU UNMAP notifications (QEMU's IOMMU_NOTIFIER_UNMAP / DEVIOTLB_UNMAP): a vIOMMU that
 * learns that a range is no longer mapped tells whoever caches translations behind it (vhost's
 * device IOTLB). A path that has none exposes no notifier; consumers then fall back to what
 * they can see themselves.
 */

export type UnmapListener = (iova: number, bytes: number) => void;

export class UnmapNotifier {
  private readonly listeners: UnmapListener[] = [];

  subscribe(l: UnmapListener): void {
    this.listeners.push(l);
  }

  /** A whole-address-space invalidation is notified as [0, Infinity). */
  notify(iova: number, bytes: number): void {
    for (const l of this.listeners) l(iova, bytes);
  }
}
