/**
 * IOMMU UNMAP notifications (QEMU's IOMMU_NOTIFIER_UNMAP / DEVIOTLB_UNMAP): a vIOMMU that
 * learns that a range is no longer mapped tells whoever caches translations behind it (vhost's
 * device IOTLB). A path that has none exposes no notifier; consumers then fall back to what
 * they can see themselves.
 */

/** A listener acts at once and returns the time (ns) its handling costs the notifier's caller. */
export type UnmapListener = (iova: number, bytes: number) => number;

export class UnmapNotifier {
  private readonly listeners: UnmapListener[] = [];

  subscribe(l: UnmapListener): void {
    this.listeners.push(l);
  }

  /** Notifies every listener; returns the total time their handling costs the caller, who charges it. A whole address space is [0, Infinity). */
  notify(iova: number, bytes: number): number {
    let ns = 0;
    for (const l of this.listeners) ns += l(iova, bytes);
    return ns;
  }
}
