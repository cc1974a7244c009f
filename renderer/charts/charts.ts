/**
 * Chart configurations built from API results (never from run ids): bars with 95 % CI per
 * configuration, a metric against a sweep parameter (one line per combination of the other
 * parameters), a latency CDF, and time series with zoom and pan; linear or log value axes.
 */
import { Chart, BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import type { CompareResult, DistributionResult, ParamValue, SeriesResult } from '../../main/common/api/types';
import { fmtNumber } from '../ui/format';
import { errorBarsPlugin } from './error-bars';
import { colour, seriesStyle } from './palette';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, LineController, LineElement, PointElement, Legend, Tooltip, Filler, zoomPlugin, errorBarsPlugin);

export type ChartKind = 'bar' | 'line' | 'cdf' | 'series';

function themeColours(): { text: string; grid: string; muted: string } {
  const s = getComputedStyle(document.documentElement);
  return { text: s.getPropertyValue('--text').trim(), grid: s.getPropertyValue('--border').trim(), muted: s.getPropertyValue('--muted').trim() };
}

function baseOptions(yTitle: string, log: boolean, xTitle: string, xLinear: boolean): ChartConfiguration['options'] {
  const c = themeColours();
  Chart.defaults.color = c.text;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'nearest', intersect: false },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 12, color: c.text } },
      labErrorBars: { color: c.text },
      tooltip: { callbacks: {} },
    } as never,
    scales: {
      x: { type: xLinear ? 'linear' : 'category', title: { display: xTitle !== '', text: xTitle, color: c.muted }, grid: { color: c.grid }, ticks: { color: c.text } },
      y: { type: log ? 'logarithmic' : 'linear', beginAtZero: !log, title: { display: true, text: yTitle, color: c.muted }, grid: { color: c.grid }, ticks: { color: c.text, callback: (v) => fmtNumber(Number(v), 3) } },
    },
  };
}

/**
 * Charts with one line per series (lines, CDFs, time series) name their series in an HTML legend
 * beside the canvas (compare view), which scrolls: Chart.js's own legend takes its room from the
 * plot, and 28 entries left a third of the chart for the lines.
 */
function htmlLegend(options: ChartConfiguration['options']): void {
  (options!.plugins as { legend: { display: boolean } }).legend.display = false;
}

/** The series of a line chart as its HTML legend shows them. */
export function legendItems(config: ChartConfiguration): { label: string; colour: string; dash: number[] }[] {
  return config.data.datasets.map((ds) => {
    const d = ds as { label?: string; borderColor?: unknown; borderDash?: number[] };
    return { label: d.label ?? '', colour: String(d.borderColor), dash: d.borderDash ?? [] };
  });
}

const unitLabel = (metric: string, unit: string): string => (unit ? `${metric} (${unit})` : metric);

export function barConfig(r: CompareResult, metric: string, log: boolean): ChartConfiguration | null {
  const m = r.metrics.find((x) => x.name === metric);
  if (!m) return null;
  const data = m.stats.map((s) => s?.mean ?? null);
  const errorBars = m.stats.map((s) => (s && s.ci95 !== null ? { lo: s.mean - s.ci95, hi: s.mean + s.ci95 } : null));
  const options = baseOptions(unitLabel(metric, m.unit), log, r.params.join(', '), false)!;
  (options.plugins!.tooltip as { callbacks: object }).callbacks = {
    label: (ctx: { dataIndex: number }) => {
      const s = m.stats[ctx.dataIndex];
      return s ? `${fmtNumber(s.mean)}${s.ci95 !== null ? ` ± ${fmtNumber(s.ci95, 3)}` : ''} ${m.unit} (N=${s.n})` : 'no data';
    },
  };
  // Every configuration keeps its label (rotated when crowded), and colour says one thing: the
  // value of the first sweep parameter, with a legend naming each value.
  const x = options.scales!.x as { ticks: Record<string, unknown> };
  x.ticks = { ...x.ticks, autoSkip: false, maxRotation: 90, minRotation: r.groups.length > 10 ? 45 : 0 };
  const colourParam = r.params[0];
  const values = colourParam === undefined ? [] : [...new Set(r.groups.map((g) => String(g.point[colourParam])))];
  const colourOf = (i: number): string => (colourParam === undefined ? colour(0) : colour(values.indexOf(String(r.groups[i]!.point[colourParam]))));
  const legend = (options.plugins as { legend: { display: boolean; labels: Record<string, unknown> } }).legend;
  legend.display = colourParam !== undefined;
  legend.labels = {
    ...legend.labels,
    generateLabels: () => values.map((v, i) => ({ text: `${colourParam}=${v}`, fillStyle: colour(i) + 'cc', strokeStyle: colour(i), lineWidth: 1, hidden: false, datasetIndex: 0 })),
  };
  return {
    type: 'bar',
    data: {
      labels: r.groups.map((g) => g.label),
      datasets: [{ label: metric, data, backgroundColor: r.groups.map((_, i) => colourOf(i) + 'cc'), borderColor: r.groups.map((_, i) => colourOf(i)), borderWidth: 1, errorBars } as never],
    },
    options,
  };
}

function numericOrder(values: ParamValue[]): ParamValue[] {
  return [...new Set(values)].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true })));
}

/** A metric against sweep parameter `x`: one line per combination of the other varying parameters. */
export function lineConfig(r: CompareResult, metric: string, x: string, log: boolean): ChartConfiguration | null {
  const m = r.metrics.find((v) => v.name === metric);
  if (!m || !r.params.includes(x)) return null;
  const others = r.params.filter((p) => p !== x);
  const xs = numericOrder(r.groups.map((g) => g.point[x]).filter((v): v is ParamValue => v !== undefined));
  const numericX = xs.every((v) => typeof v === 'number');
  const series = new Map<string, { label: string; points: Map<ParamValue, number> }>();
  r.groups.forEach((g, gi) => {
    const xv = g.point[x];
    const s = m.stats[gi];
    if (xv === undefined || !s) return;
    const label = others.length ? others.map((o) => `${o}=${String(g.point[o])}`).join(', ') : metric;
    const key = `${g.experiment}|${label}`;
    if (!series.has(key)) series.set(key, { label, points: new Map() });
    series.get(key)!.points.set(xv, gi);
  });
  const datasets = [...series.values()].map((sr, i) => {
    const ordered = xs.filter((v) => sr.points.has(v));
    const style = seriesStyle(i);
    return {
      label: sr.label,
      data: ordered.map((v) => ({ x: numericX ? (v as number) : String(v), y: m.stats[sr.points.get(v)!]!.mean })),
      errorBars: ordered.map((v) => {
        const s = m.stats[sr.points.get(v)!]!;
        return s.ci95 !== null ? { lo: s.mean - s.ci95, hi: s.mean + s.ci95 } : null;
      }),
      borderColor: style.colour,
      backgroundColor: style.colour,
      borderDash: style.dash,
      pointRadius: 3,
      tension: 0,
    };
  });
  const options = baseOptions(unitLabel(metric, m.unit), log, x, numericX)!;
  htmlLegend(options);
  return { type: 'line', data: { labels: numericX ? undefined : xs.map(String), datasets: datasets as never }, options };
}

export function cdfConfig(r: DistributionResult, log: boolean): ChartConfiguration | null {
  if (r.groups.length === 0) return null;
  const options = baseOptions('fraction ≤ value', false, unitLabel(r.metric, r.unit), true)!;
  options.scales!.x = { ...(options.scales!.x as object), type: log ? 'logarithmic' : 'linear' } as never;
  (options.scales!.y as { max?: number; min?: number }).max = 1;
  (options.scales!.y as { max?: number; min?: number }).min = 0;
  htmlLegend(options);
  return {
    type: 'line',
    data: {
      datasets: r.groups.map((g, i) => ({
        label: `${g.group.label || g.group.experiment} (n=${g.count.toLocaleString('en-US')})`,
        data: g.points.map((p) => ({ x: p.value, y: p.q })),
        borderColor: seriesStyle(i).colour,
        backgroundColor: seriesStyle(i).colour,
        borderDash: seriesStyle(i).dash,
        pointRadius: 0,
        stepped: 'before' as const,
        borderWidth: 1.5,
      })) as never,
    },
    options,
  };
}

export function seriesConfig(r: SeriesResult, log: boolean): ChartConfiguration | null {
  if (r.groups.length === 0) return null;
  const options = baseOptions(unitLabel(r.metric, r.unit), log, 'simulated time (µs)', true)!;
  options.plugins!.zoom = {
    zoom: { wheel: { enabled: true }, pinch: { enabled: true }, drag: { enabled: false }, mode: 'x' },
    pan: { enabled: true, mode: 'x' },
    limits: { x: { min: 'original', max: 'original' } },
  };
  htmlLegend(options);
  const keys = [...new Set(r.groups.map((g) => g.group.key))];
  return {
    type: 'line',
    data: {
      // Replications of one configuration share its colour; the dash tells them apart.
      datasets: r.groups.map((g) => ({
        label: `${g.group.label || g.group.experiment} rep ${g.replication} (#${g.runId})`,
        borderDash: g.replication === 0 ? [] : [[6, 3], [2, 3], [8, 3, 2, 3]][(g.replication - 1) % 3],
        data: g.data.mean.map((v, k) => ({ x: (g.data.startNs + (k + 0.5) * g.data.stepNs) / 1000, y: v })),
        borderColor: colour(keys.indexOf(g.group.key)),
        backgroundColor: colour(keys.indexOf(g.group.key)),
        pointRadius: 0,
        borderWidth: 1.5,
        spanGaps: false,
      })) as never,
    },
    options,
  };
}

export { Chart };
