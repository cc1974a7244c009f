/**
 * Summary statistics for replicated runs: mean, and the half-width of the 95 % confidence
 * interval of the mean from Student's t distribution (replications are few, so the normal
 * approximation would understate the interval).
 */

/** Two-sided 95 % critical values of Student's t for 1..30 degrees of freedom. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08,
  2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t(0.975, df): tabulated up to 30, then interpolated in 1/df towards the normal 1.96. */
export function tCritical95(df: number): number {
  if (!(df >= 1)) return NaN;
  if (df <= 30) return T95[Math.floor(df) - 1]!;
  // t approaches z linearly in 1/df; anchored at df = 30.
  return 1.96 + (2.042 - 1.96) * (30 / df);
}

export interface Summary {
  mean: number;
  ci95: number | null;
  n: number;
  min: number;
  max: number;
}

/** Summarises finite values (NaN and infinities are ignored); null when none are left. */
export function summarize(values: readonly number[]): Summary | null {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  let ci95: number | null = null;
  if (n >= 2 && xs.every((x) => x === xs[0])) ci95 = 0;
  else if (n >= 2) {
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
    ci95 = tCritical95(n - 1) * Math.sqrt(variance / n);
  }
  return { mean, ci95, n, min: Math.min(...xs), max: Math.max(...xs) };
}
