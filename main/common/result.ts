/**
 * The result of one run: scalars with stable dotted names, histograms and downsampled series.
 * Serialized with sorted keys so identical runs give identical bytes.
 */

export interface HistogramData {
  /** Relative accuracy of quantiles: any reported quantile q̂ satisfies |q̂ − q| ≤ alpha · q. */
  alpha: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Bucket index → count, for values > 0; bucket i covers (γ^(i−1), γ^i] with γ = (1+α)/(1−α). */
  buckets: [number, number][];
  zeros: number;
}

export interface SeriesData {
  /** Width of each bucket in ns. */
  stepNs: number;
  /** Start time of bucket 0. */
  startNs: number;
  /** Per bucket: mean of the samples (or null if none). */
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export interface RunResult {
  engineVersion: string;
  seed: number;
  simTimeNs: number;
  events: number;
  scalars: Record<string, number>;
  histograms: Record<string, HistogramData>;
  series: Record<string, SeriesData>;
  /** Non-fatal notes from the run (e.g. "ring overflow: 12 drops"), in emission order. */
  notes: string[];
}

/** Deterministic JSON: object keys sorted at every level. */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    // A null-prototype object keeps a "__proto__" key as data instead of treating it as the prototype.
    const out = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

export const ENGINE_VERSION = '0.1.0';
