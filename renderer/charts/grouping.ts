/**
 * Two reshapings of a comparison, pure so they are unit-tested: values normalised to a chosen
 * baseline configuration (each mean, CI half-width, min and max divided by the baseline's mean;
 * the baseline's own uncertainty is not propagated, so a ratio's CI is the numerator's alone),
 * and bars grouped by one sweep parameter (its values on the x axis, one bar series per
 * combination of the other parameters).
 */
import type { CompareResult, MetricStat } from '../../main/common/api/types';
import type { ErrorBar } from './error-bars';

/** The comparison with every metric divided by the baseline configuration's mean; null if there is no such group. */
export function normalise(r: CompareResult, baselineKey: string): CompareResult | null {
  const b = r.groups.findIndex((g) => g.key === baselineKey);
  if (b < 0) return null;
  return {
    ...r,
    metrics: r.metrics.map((m) => {
      const base = m.stats[b]?.mean;
      const ok = base !== undefined && Number.isFinite(base) && base !== 0;
      const scale = (s: MetricStat | null): MetricStat | null => (s === null || !ok ? null : { mean: s.mean / base, ci95: s.ci95 === null ? null : s.ci95 / Math.abs(base), n: s.n, min: s.min / base, max: s.max / base });
      return { ...m, unit: '× baseline', stats: m.stats.map(scale) };
    }),
  };
}

export interface GroupedBars {
  /** The grouping parameter's values, in numeric order. */
  labels: string[];
  series: { label: string; values: (number | null)[]; errorBars: (ErrorBar | null)[]; n: (number | null)[] }[];
}

/** Bars of `metric` grouped by parameter `by`: null when `by` does not vary or the metric is absent. */
export function groupBars(r: CompareResult, metric: string, by: string): GroupedBars | null {
  const m = r.metrics.find((x) => x.name === metric);
  if (!m || !r.params.includes(by)) return null;
  const others = r.params.filter((p) => p !== by);
  const raw = [...new Set(r.groups.map((g) => g.point[by]).filter((v) => v !== undefined))];
  raw.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true })));
  const labels = raw.map(String);
  const series = new Map<string, GroupedBars['series'][number]>();
  r.groups.forEach((g, i) => {
    const x = labels.indexOf(String(g.point[by]));
    if (x < 0) return;
    const label = (others.length ? others.map((o) => `${o}=${String(g.point[o])}`).join(', ') : metric) + (new Set(r.groups.map((q) => q.experiment)).size > 1 ? ` · ${g.experiment}` : '');
    let s = series.get(label);
    if (s === undefined) {
      s = { label, values: labels.map(() => null), errorBars: labels.map(() => null), n: labels.map(() => null) };
      series.set(label, s);
    }
    const st = m.stats[i];
    if (!st) return;
    s.values[x] = st.mean;
    s.errorBars[x] = st.ci95 !== null ? { lo: st.mean - st.ci95, hi: st.mean + st.ci95 } : null;
    s.n[x] = st.n;
  });
  return { labels, series: [...series.values()] };
}
