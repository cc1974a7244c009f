/**
 * The lazy-mode flush queue of dma-iommu as data: per-CPU rings of unmapped-but-not-yet-
 * invalidated IOVA ranges, each stamped with the flush generation it waits for.
 *
 * Models (DOMAIN.md §2): a ring of `entries` per CPU; a full ring forces a whole-domain flush;
 * a timer (armed by the first queued entry) flushes everything; an entry may be freed once a
 * flush that started after it was queued has completed.
 * Does not model: the timing (the caller schedules the timer and charges the flush).
 */

export interface FqEntry {
  readonly pfn: number;
  readonly pages: number;
  readonly mappedPages: number;
  readonly iova: number;
  /** Flush generation that must complete before the IOVA may be reused. */
  readonly gen: number;
}

export class FlushQueues {
  private readonly rings: FqEntry[][] = [];
  /** Flushes started and finished (Linux's fq_flush_start_cnt / fq_flush_finish_cnt). */
  startCnt = 0;
  finishCnt = 0;

  constructor(readonly entries: number) {
    if (!Number.isInteger(entries) || entries < 1) throw new RangeError('flush queue needs at least one entry');
  }

  ring(cpu: number): FqEntry[] {
    return (this.rings[cpu] ??= []);
  }

  isFull(cpu: number): boolean {
    return this.ring(cpu).length >= this.entries;
  }

  get queued(): number {
    return this.rings.reduce((n, r) => n + (r?.length ?? 0), 0);
  }

  /** Queues an unmapped range (one object per unmap, no spread: this is every lazy unmap). */
  push(cpu: number, pfn: number, pages: number, mappedPages: number, iova: number): void {
    const ring = this.ring(cpu);
    if (ring.length >= this.entries) throw new Error('flush queue full: flush before pushing');
    ring.push({ pfn, pages, mappedPages, iova, gen: this.startCnt });
  }

  beginFlush(): void {
    this.startCnt++;
  }

  endFlush(): void {
    this.finishCnt++;
  }

  /** Removes and returns the entries of one CPU's ring (or every ring) that a completed flush covers. */
  reap(cpu?: number): FqEntry[] {
    const out: FqEntry[] = [];
    const ringsToScan = cpu === undefined ? this.rings.map((_, i) => i) : [cpu];
    for (const c of ringsToScan) {
      const r = this.rings[c];
      if (r === undefined) continue;
      let k = 0;
      while (k < r.length && r[k]!.gen < this.finishCnt) k++;
      for (let i = 0; i < k; i++) out.push(r[i]!);
      r.splice(0, k);
    }
    return out;
  }
}
