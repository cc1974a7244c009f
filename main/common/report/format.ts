/** Number and duration formatting shared by the workbench, the reports and the CLI's notebook output. */

export function fmtNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e9 || a < 1e-3)) return v.toExponential(2);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Number(v.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** A wall-clock duration: "850 ms", "12.3 s", "2 m 5 s" (seconds rounded first, so never "2 m 60 s"). */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 59.95) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} m ${whole % 60} s`;
}

/** A mean with its 95 % CI half-width and N, as tables and quoted values show it. */
export function fmtStat(s: { mean: number; ci95: number | null; n: number } | null, unit = ''): string {
  if (s === null) return '—';
  return `${fmtNumber(s.mean)}${s.ci95 !== null ? ` ± ${fmtNumber(s.ci95, 3)}` : ''}${unit ? ` ${unit}` : ''} (N=${s.n})`;
}

/** A short axis label: 1,500 → "1.5k", 2.5e10 → "25G"; small values as fmtNumber gives them. */
export function fmtCompact(v: number): string {
  const a = Math.abs(v);
  const units: [number, string][] = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [f, u] of units) if (a >= f) return `${Number((v / f).toPrecision(3))}${u}`;
  return fmtNumber(v, 3);
}
