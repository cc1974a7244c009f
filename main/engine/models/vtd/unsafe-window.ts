/**
 * The unsafe window of shadowing (seed 003): spans of simulated time during which an IOVA the
 * guest still maps has no host mapping, so a device DMA to it faults. Gaps are opened and closed
 * by the VFIO layer at the instants its ioctls change the host mapping; nothing here predicts.
 *
 * Reports the union of all gaps (total time at least one still-mapped IOVA was unbacked), the
 * longest single IOVA's gap, and how many gaps opened.
 */
export class UnsafeWindow {
  /** Open gaps by "<container>:<iova>" (several containers may use the same IOVA). */
  private readonly openAt = new Map<string, number>();
  private unionStart = 0;
  totalNs = 0;
  longestNs = 0;
  gaps = 0;

  get open(): number {
    return this.openAt.size;
  }

  /** The host mapping of the guest-mapped IOVA `key` went away at `now`. */
  openGap(key: string, now: number): void {
    if (this.openAt.has(key)) return;
    if (this.openAt.size === 0) this.unionStart = now;
    this.openAt.set(key, now);
    this.gaps++;
  }

  /** `key` is backed again (or the guest no longer maps it) at `now`. */
  closeGap(key: string, now: number): void {
    const t0 = this.openAt.get(key);
    if (t0 === undefined) return;
    this.openAt.delete(key);
    this.longestNs = Math.max(this.longestNs, now - t0);
    if (this.openAt.size === 0) this.totalNs += now - this.unionStart;
  }

  /** Closes every open gap at `now` (end of run), so the totals include them. */
  closeAll(now: number): void {
    for (const k of [...this.openAt.keys()]) this.closeGap(k, now);
  }
}
