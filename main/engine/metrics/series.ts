/**
 * Time series with bounded memory: samples fall into fixed-width time buckets; when time runs
 * past the last bucket, neighbouring buckets merge pairwise and the width doubles.
 * Two flavours: `sample` (a level: mean/min/max per bucket) and `add` (an amount: the per-bucket
 * total is turned into a rate per ns by `data`).
 */
import type { SeriesData } from '../../common/result';

export class Series {
  private sums: number[];
  private counts: number[];
  private mins: number[];
  private maxs: number[];

  constructor(
    private stepNs: number,
    private readonly maxBuckets = 512,
    readonly mode: 'level' | 'rate' = 'level',
  ) {
    if (!(stepNs >= 1)) throw new RangeError('series step must be at least 1 ns');
    this.sums = [];
    this.counts = [];
    this.mins = [];
    this.maxs = [];
  }

  sample(timeNs: number, value: number): void {
    let b = Math.floor(timeNs / this.stepNs);
    while (b >= this.maxBuckets) {
      this.halve();
      b = Math.floor(timeNs / this.stepNs);
    }
    while (this.sums.length <= b) {
      this.sums.push(0);
      this.counts.push(0);
      this.mins.push(Infinity);
      this.maxs.push(-Infinity);
    }
    this.sums[b]! += value;
    this.counts[b]!++;
    if (value < this.mins[b]!) this.mins[b] = value;
    if (value > this.maxs[b]!) this.maxs[b] = value;
  }

  /** For 'rate' series: adds an amount at a time (a rate's data has no min or max: they are not kept). */
  add(timeNs: number, amount: number): void {
    if (this.mode !== 'rate') {
      this.sample(timeNs, amount);
      return;
    }
    const b = Math.floor(timeNs / this.stepNs);
    if (b >= this.maxBuckets || b >= this.sums.length) {
      this.sample(timeNs, amount);
      return;
    }
    this.sums[b]! += amount;
    this.counts[b]!++;
  }

  data(scale = 1): SeriesData {
    const rate = this.mode === 'rate';
    return {
      stepNs: this.stepNs,
      startNs: 0,
      mean: this.sums.map((s, i) => (rate ? (s / this.stepNs) * scale : this.counts[i] ? (s / this.counts[i]!) * scale : null)),
      min: this.mins.map((m, i) => (this.counts[i] ? (rate ? null : m * scale) : null)),
      max: this.maxs.map((m, i) => (this.counts[i] ? (rate ? null : m * scale) : null)),
    };
  }

  private halve(): void {
    const n = Math.ceil(this.sums.length / 2);
    const sums: number[] = [];
    const counts: number[] = [];
    const mins: number[] = [];
    const maxs: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = 2 * i;
      const b = a + 1;
      sums.push(this.sums[a]! + (this.sums[b] ?? 0));
      counts.push(this.counts[a]! + (this.counts[b] ?? 0));
      mins.push(Math.min(this.mins[a]!, this.mins[b] ?? Infinity));
      maxs.push(Math.max(this.maxs[a]!, this.maxs[b] ?? -Infinity));
    }
    this.sums = sums;
    this.counts = counts;
    this.mins = mins;
    this.maxs = maxs;
    this.stepNs *= 2;
  }
}
