/**
 * A log-bucketed quantile sketch (DDSketch's mapping): any quantile it reports is within a
 * relative error α of the exact sample quantile (α = 0.5 % by default). Count, sum, min and
 * max are exact. Memory grows with the log of the value range, not with the sample count.
 */
import { quantileOf } from '../../common/histogram';
import type { HistogramData } from '../../common/result';

/** Read side of the sketch, shared with the API and reports. */
export { quantileOf };

/**
 * Bucket indices 0..DENSE-1 (values from 1 up to γ^DENSE, beyond 10^17 at the default α) are
 * counted in an array, grown to the highest index seen (a run makes a few dozen histograms:
 * most never need more than the first few hundred); the rest (values below 1, or a coarse
 * α's far indices) in a map.
 */
const DENSE = 4096;
/** Slots of the cache of recent value → bucket index (latencies repeat: constant costs). */
const MEMO = 64;
const NONE = new Float64Array(0);

export class Histogram {
  private readonly gamma: number;
  private readonly logGamma: number;
  private dense = NONE;
  private readonly buckets = new Map<number, number>();
  private readonly memoValue = new Float64Array(MEMO).fill(-1);
  private readonly memoIndex = new Int32Array(MEMO);
  private zeros = 0;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(readonly alpha = 0.005) {
    if (!(alpha > 0 && alpha < 1)) throw new RangeError('histogram alpha must be in (0, 1)');
    this.gamma = (1 + alpha) / (1 - alpha);
    this.logGamma = Math.log(this.gamma);
  }

  record(value: number): void {
    if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`histogram value must be finite and non-negative, got ${value}`);
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value === 0) {
      this.zeros++;
      return;
    }
    // The memo gives exactly the index the formula gives: it stores the formula's result.
    // Integer hashing (a double's % is a library call); the shift spreads multiples of 256.
    const v = value | 0;
    const slot = (v ^ (v >>> 8)) & (MEMO - 1);
    let i: number;
    if (this.memoValue[slot] === value) {
      i = this.memoIndex[slot]!;
    } else {
      i = Math.ceil(Math.log(value) / this.logGamma);
      if (i >= -0x80000000 && i <= 0x7fffffff) {
        this.memoValue[slot] = value;
        this.memoIndex[slot] = i;
      }
    }
    if (i >= 0 && i < DENSE) {
      if (i >= this.dense.length) this.grow(i);
      this.dense[i]!++;
    } else {
      this.buckets.set(i, (this.buckets.get(i) ?? 0) + 1);
    }
  }

  private grow(i: number): void {
    let n = Math.max(64, this.dense.length);
    while (n <= i) n *= 2;
    const d = new Float64Array(Math.min(DENSE, n));
    d.set(this.dense);
    this.dense = d;
  }

  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** The q-quantile (0 ≤ q ≤ 1), lower-rank convention: the value at rank ⌊q·(n−1)⌋. */
  quantile(q: number): number {
    return quantileOf(this.data(), q);
  }

  data(): HistogramData {
    const sparse = [...this.buckets.entries()].sort((a, b) => a[0] - b[0]);
    const buckets: [number, number][] = sparse.filter((b) => b[0] < 0);
    for (let i = 0; i < this.dense.length; i++) if (this.dense[i]! > 0) buckets.push([i, this.dense[i]!]);
    for (const b of sparse) if (b[0] >= DENSE) buckets.push(b);
    return {
      alpha: this.alpha,
      count: this.count,
      sum: this.sum,
      min: this.count ? this.min : 0,
      max: this.count ? this.max : 0,
      buckets,
      zeros: this.zeros,
    };
  }
}
