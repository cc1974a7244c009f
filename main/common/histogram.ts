/**
 * Reading a recorded histogram (HistogramData, the engine's log-bucketed sketch as a result
 * stores it): its quantiles. Pure, so the engine (summaries), the API service (distributions of
 * stored runs) and reports read a histogram one way.
 */
import type { HistogramData } from './result';

/** The q-quantile (0 ≤ q ≤ 1) of serialized histogram data, lower-rank convention: the value at rank ⌊q·(n−1)⌋. */
export function quantileOf(h: HistogramData, q: number): number {
  if (h.count === 0) return NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError('quantile must be in [0, 1]');
  const rank = Math.floor(q * (h.count - 1));
  if (rank < h.zeros) return 0;
  const gamma = (1 + h.alpha) / (1 - h.alpha);
  let seen = h.zeros;
  for (const [i, n] of h.buckets) {
    seen += n;
    if (seen > rank) {
      const estimate = (2 * gamma ** i) / (gamma + 1);
      return Math.min(h.max, Math.max(h.min, estimate));
    }
  }
  return h.max;
}
