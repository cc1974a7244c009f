/**
 * The notebook's and the reports' charts as SVG trees, drawn by the project's own code so the
 * workbench, the HTML report and its PDF show the same picture: bars with 95 % CI whiskers per
 * configuration (every label drawn, rotated when crowded; colour by the first sweep parameter,
 * with a legend), a metric against a sweep parameter (one line per combination of the others),
 * a latency CDF from stored histograms, and time series. Legends sit outside the plot; colours
 * combine with dash patterns so no two series look alike. Text and whiskers use currentColor,
 * so the surrounding theme decides them.
 */
import type { CompareResult, DistributionResult, ParamValue, SeriesResult } from '../api/types';
import { makeScale, textWidth, type Scale } from './axis';
import { fmtNumber, fmtStat } from './format';
import { el, type VNode } from './vnode';

export const PALETTE = ['#3b7ddd', '#e8762c', '#2f9e44', '#c2255c', '#7048e8', '#b08900', '#1098ad', '#e03131', '#5c677d', '#66a80f'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

export function seriesStyle(i: number): { colour: string; dash: string } {
  return { colour: PALETTE[i % PALETTE.length]!, dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length]! };
}

export type ChartData =
  | { kind: 'bar' | 'line'; metric: string; x: string; log: boolean; compare: CompareResult }
  | { kind: 'cdf'; metric: string; log: boolean; distribution: DistributionResult }
  | { kind: 'series'; metric: string; log: boolean; series: SeriesResult };

const W = 760;
const FONT = 11;
const FAMILY = 'DejaVu Sans, Verdana, Arial, sans-serif';

interface Frame {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function svg(height: number, label: string, kind: string, children: VNode[], data: Record<string, string | number> = {}): VNode {
  const attrs: Record<string, string | number> = {
    xmlns: 'http://www.w3.org/2000/svg',
    viewBox: `0 0 ${W} ${Math.ceil(height)}`,
    width: W,
    height: Math.ceil(height),
    role: 'img',
    'aria-label': label,
    class: 'lab-chart',
    'font-family': FAMILY,
    'font-size': FONT,
    fill: 'currentColor',
    'data-kind': kind,
  };
  for (const [k, v] of Object.entries(data)) attrs[`data-${k}`] = v;
  return el('svg', attrs, el('title', null, label), ...children);
}

const unitLabel = (metric: string, unit: string): string => (unit ? `${metric} (${unit})` : metric);
const r1 = (v: number): number => Math.round(v * 10) / 10;

function yAxis(s: Scale, f: Frame, title: string): VNode[] {
  const out: VNode[] = [];
  for (const t of s.ticks) {
    const y = r1(s(t));
    out.push(el('line', { x1: f.left, x2: W - f.right, y1: y, y2: y, stroke: 'currentColor', 'stroke-opacity': 0.15 }));
    out.push(el('text', { x: f.left - 6, y: y + 4, 'text-anchor': 'end' }, s.label(t)));
  }
  out.push(el('line', { x1: f.left, x2: f.left, y1: f.top, y2: r1(s(s.ticks[0]!)), stroke: 'currentColor', 'stroke-opacity': 0.6 }));
  const cy = (f.top + s(s.ticks[0]!)) / 2;
  out.push(el('text', { x: 14, y: r1(cy), transform: `rotate(-90 14 ${r1(cy)})`, 'text-anchor': 'middle', class: 'axis-title' }, title));
  return out;
}

function xAxisLinear(s: Scale, f: Frame, yBase: number, title: string): VNode[] {
  const out: VNode[] = [el('line', { x1: f.left, x2: W - f.right, y1: yBase, y2: yBase, stroke: 'currentColor', 'stroke-opacity': 0.6 })];
  for (const t of s.ticks) {
    const x = r1(s(t));
    out.push(el('line', { x1: x, x2: x, y1: yBase, y2: yBase + 4, stroke: 'currentColor', 'stroke-opacity': 0.6 }));
    out.push(el('text', { x, y: yBase + 16, 'text-anchor': 'middle' }, s.label(t)));
  }
  out.push(el('text', { x: r1((f.left + W - f.right) / 2), y: yBase + 32, 'text-anchor': 'middle', class: 'axis-title' }, title));
  return out;
}

interface LegendItem {
  label: string;
  colour: string;
  dash: string;
  swatch: 'box' | 'line';
}

/** A legend below the plot, items wrapped into rows; returns its nodes and height. */
function legend(items: LegendItem[], top: number, left: number): { nodes: VNode[]; height: number } {
  const nodes: VNode[] = [];
  let x = left;
  let y = top + 12;
  const maxX = W - 10;
  for (const it of items) {
    const w = 22 + textWidth(it.label, FONT) + 14;
    if (x + w > maxX && x > left) {
      x = left;
      y += 16;
    }
    nodes.push(
      it.swatch === 'box'
        ? el('rect', { x, y: y - 9, width: 12, height: 10, fill: it.colour })
        : el('line', { x1: x, x2: x + 16, y1: y - 4, y2: y - 4, stroke: it.colour, 'stroke-width': 2.5, 'stroke-dasharray': it.dash || null }),
    );
    nodes.push(el('text', { x: x + 20, y }, it.label));
    x += w;
  }
  return { nodes: [el('g', { class: 'legend', 'data-items': items.length }, nodes)], height: items.length ? y - top + 8 : 0 };
}

function whisker(x: number, lo: number, hi: number, colour: string): VNode[] {
  return [
    el('line', { x1: x, x2: x, y1: r1(lo), y2: r1(hi), stroke: colour, 'stroke-width': 1.5, class: 'whisker' }),
    el('line', { x1: x - 4, x2: x + 4, y1: r1(lo), y2: r1(lo), stroke: colour, 'stroke-width': 1.5 }),
    el('line', { x1: x - 4, x2: x + 4, y1: r1(hi), y2: r1(hi), stroke: colour, 'stroke-width': 1.5 }),
  ];
}

function pointKey(v: ParamValue | undefined): string {
  return v === undefined ? '—' : String(v);
}

export function barChart(r: CompareResult, metric: string, log: boolean): VNode | null {
  const m = r.metrics.find((x) => x.name === metric);
  if (!m || r.groups.length === 0) return null;
  const n = r.groups.length;
  const font = n > 20 ? 10 : FONT;
  const colourParam = r.params[0];
  const colourValues = colourParam === undefined ? [] : [...new Set(r.groups.map((g) => pointKey(g.point[colourParam])))];
  const colourOf = (gi: number): string => (colourParam === undefined ? PALETTE[0]! : PALETTE[colourValues.indexOf(pointKey(r.groups[gi]!.point[colourParam])) % PALETTE.length]!);
  // Labels name only the parameters the colour does not already say.
  const labelOf = (gi: number): string => {
    const g = r.groups[gi]!;
    const rest = r.params.slice(colourParam !== undefined && r.params.length > 1 ? 1 : 0);
    return rest.length ? rest.map((p) => `${p}=${pointKey(g.point[p])}`).join(', ') : g.label || g.experiment;
  };
  const labels = r.groups.map((_, gi) => labelOf(gi));
  const f: Frame = { left: 78, top: 14, right: 14, bottom: 0 };
  let slot = (W - f.left - f.right) / n;
  const longest = Math.max(...labels.map((l) => textWidth(l, font)));
  const rotate = longest > slot - 4;
  if (rotate) {
    // A label rotated by 45° reaches 0.71 of its width to the left of its bar: widen the margin so the first ones fit.
    const need = Math.max(...labels.map((l, i) => textWidth(l, font) * 0.71 - slot * (i + 0.5) + 6));
    if (need > f.left) {
      f.left = Math.min(need, 300);
      slot = (W - f.left - f.right) / n;
    }
  }
  const labelBand = rotate ? Math.min(220, longest * 0.72 + 14) : 22;
  const plotH = 240;
  const base = f.top + plotH;
  const tops = m.stats.map((s) => (s === null ? NaN : s.ci95 !== null ? s.mean + s.ci95 : s.mean));
  const lows = m.stats.map((s) => (s === null ? NaN : s.ci95 !== null ? s.mean - s.ci95 : s.mean));
  const ys = makeScale([...tops, ...lows.filter((v) => !log || v > 0)], base, f.top, { log, zero: !log });
  const nodes: VNode[] = yAxis(ys, f, unitLabel(metric, m.unit));
  nodes.push(el('line', { x1: f.left, x2: W - f.right, y1: base, y2: base, stroke: 'currentColor', 'stroke-opacity': 0.6 }));
  const bw = Math.max(2, Math.min(48, slot * 0.7));
  m.stats.forEach((s, gi) => {
    const cx = f.left + slot * (gi + 0.5);
    const lx = r1(cx);
    const ly = base + 12;
    nodes.push(
      rotate
        ? el('text', { x: lx, y: ly, 'font-size': font, 'text-anchor': 'end', transform: `rotate(-45 ${lx} ${ly})`, class: 'bar-label' }, labels[gi]!)
        : el('text', { x: lx, y: ly + 2, 'font-size': font, 'text-anchor': 'middle', class: 'bar-label' }, labels[gi]!),
    );
    if (s === null) return;
    const y = ys(s.mean);
    const y0 = log ? base : ys(0);
    nodes.push(
      el(
        'rect',
        { x: r1(cx - bw / 2), y: r1(Math.min(y, y0)), width: r1(bw), height: r1(Math.max(0.5, Math.abs(y0 - y))), fill: colourOf(gi), 'fill-opacity': 0.85, class: 'bar' },
        el('title', null, `${r.groups[gi]!.label}: ${fmtStat(s, m.unit)}`),
      ),
    );
    if (s.ci95 !== null && s.ci95 > 0) nodes.push(...whisker(r1(cx), ys(log ? Math.max(s.mean - s.ci95, ys.ticks[0]!) : s.mean - s.ci95), ys(s.mean + s.ci95), 'currentColor'));
  });
  const legendTop = base + labelBand + (colourParam ? 4 : 0);
  const lg = colourParam
    ? legend(colourValues.map((v, i) => ({ label: `${colourParam}=${v}`, colour: PALETTE[i % PALETTE.length]!, dash: '', swatch: 'box' as const })), legendTop, f.left)
    : { nodes: [], height: 0 };
  return svg(legendTop + lg.height + 6, `${metric} per configuration, mean ± 95 % CI`, 'bar', [...nodes, ...lg.nodes], { bars: n, labels: labels.length, whiskers: m.stats.filter((s) => s !== null && s.ci95 !== null && s.ci95 > 0).length });
}

function numericOrder(values: ParamValue[]): ParamValue[] {
  return [...new Set(values)].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true })));
}

export function lineChart(r: CompareResult, metric: string, xParam: string, log: boolean): VNode | null {
  const m = r.metrics.find((v) => v.name === metric);
  const x = xParam && r.params.includes(xParam) ? xParam : r.params[0];
  if (!m || x === undefined) return null;
  const others = r.params.filter((p) => p !== x);
  const xs = numericOrder(r.groups.map((g) => g.point[x]).filter((v): v is ParamValue => v !== undefined));
  const numeric = xs.every((v) => typeof v === 'number');
  const lines = new Map<string, { label: string; pts: { xv: ParamValue; gi: number }[] }>();
  r.groups.forEach((g, gi) => {
    const xv = g.point[x];
    if (xv === undefined || m.stats[gi] === null) return;
    const label = others.length ? others.map((o) => `${o}=${pointKey(g.point[o])}`).join(', ') : metric;
    const key = `${g.experiment}|${label}`;
    if (!lines.has(key)) lines.set(key, { label, pts: [] });
    lines.get(key)!.pts.push({ xv, gi });
  });
  const f: Frame = { left: 78, top: 14, right: 24, bottom: 0 };
  const plotH = 240;
  const base = f.top + plotH;
  const all = m.stats.flatMap((s) => (s === null ? [] : [s.mean - (s.ci95 ?? 0), s.mean + (s.ci95 ?? 0), s.mean]));
  const ys = makeScale(all.filter((v) => !log || v > 0), base, f.top, { log, zero: !log });
  const pad = 20;
  const xs_ = numeric ? makeScale(xs as number[], f.left + pad, W - f.right - pad, {}) : null;
  const xPos = (v: ParamValue): number => (xs_ ? xs_(v as number) : f.left + pad + ((W - f.left - f.right - 2 * pad) * xs.indexOf(v)) / Math.max(1, xs.length - 1));
  const nodes: VNode[] = yAxis(ys, f, unitLabel(metric, m.unit));
  if (xs_) nodes.push(...xAxisLinear(xs_, f, base, x));
  else {
    nodes.push(el('line', { x1: f.left, x2: W - f.right, y1: base, y2: base, stroke: 'currentColor', 'stroke-opacity': 0.6 }));
    for (const v of xs) nodes.push(el('text', { x: r1(xPos(v)), y: base + 16, 'text-anchor': 'middle' }, String(v)));
    nodes.push(el('text', { x: r1((f.left + W - f.right) / 2), y: base + 32, 'text-anchor': 'middle', class: 'axis-title' }, x));
  }
  const items: LegendItem[] = [];
  [...lines.values()].forEach((ln, i) => {
    const { colour, dash } = seriesStyle(i);
    const pts = ln.pts.sort((a, b) => xs.indexOf(a.xv) - xs.indexOf(b.xv));
    nodes.push(el('polyline', { points: pts.map((p) => `${r1(xPos(p.xv))},${r1(ys(m.stats[p.gi]!.mean))}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2, 'stroke-dasharray': dash || null }));
    for (const p of pts) {
      const s = m.stats[p.gi]!;
      const px = r1(xPos(p.xv));
      if (s.ci95 !== null && s.ci95 > 0) nodes.push(...whisker(px, ys(Math.max(s.mean - s.ci95, log ? ys.ticks[0]! : -Infinity)), ys(s.mean + s.ci95), colour));
      nodes.push(el('circle', { cx: px, cy: r1(ys(s.mean)), r: 3, fill: colour }, el('title', null, `${ln.label}, ${x}=${String(p.xv)}: ${fmtStat(s, m.unit)}`)));
    }
    items.push({ label: ln.label, colour, dash, swatch: 'line' });
  });
  const lg = legend(items, base + 40, f.left);
  return svg(base + 40 + lg.height + 6, `${metric} against ${x}`, 'line', [...nodes, ...lg.nodes], { lines: lines.size });
}

export function cdfChart(d: DistributionResult, log: boolean): VNode | null {
  if (d.groups.length === 0) return null;
  const f: Frame = { left: 78, top: 14, right: 24, bottom: 0 };
  const base = f.top + 240;
  const values = d.groups.flatMap((g) => g.points.map((p) => p.value));
  const xs = makeScale(values.filter((v) => !log || v > 0), f.left, W - f.right, { log });
  const ys = makeScale([0, 1], base, f.top, { fixed: [0, 1] });
  const nodes: VNode[] = [...yAxis(ys, f, 'fraction ≤ value'), ...xAxisLinear(xs, f, base, unitLabel(d.metric, d.unit))];
  const items: LegendItem[] = [];
  d.groups.forEach((g, i) => {
    const { colour, dash } = seriesStyle(i);
    const pts: string[] = [];
    let prevY = ys(0);
    for (const p of g.points) {
      const px = r1(xs(log ? Math.max(p.value, xs.ticks[0]!) : p.value));
      pts.push(`${px},${r1(prevY)}`, `${px},${r1(ys(p.q))}`);
      prevY = ys(p.q);
    }
    nodes.push(el('polyline', { points: pts.join(' '), fill: 'none', stroke: colour, 'stroke-width': 1.8, 'stroke-dasharray': dash || null }));
    items.push({ label: `${g.group.label || g.group.experiment} (n=${g.count.toLocaleString('en-US')})`, colour, dash, swatch: 'line' });
  });
  const lg = legend(items, base + 40, f.left);
  return svg(base + 40 + lg.height + 6, `CDF of ${d.metric}`, 'cdf', [...nodes, ...lg.nodes], { lines: d.groups.length });
}

export function seriesChart(s: SeriesResult, log: boolean): VNode | null {
  if (s.groups.length === 0) return null;
  const f: Frame = { left: 78, top: 14, right: 24, bottom: 0 };
  const base = f.top + 240;
  const t = (g: SeriesResult['groups'][number], k: number): number => (g.data.startNs + (k + 0.5) * g.data.stepNs) / 1000;
  const xvals = s.groups.flatMap((g) => g.data.mean.map((_, k) => t(g, k)));
  const yvals = s.groups.flatMap((g) => g.data.mean.filter((v): v is number => v !== null));
  const xs = makeScale(xvals, f.left, W - f.right, {});
  const ys = makeScale(yvals.filter((v) => !log || v > 0), base, f.top, { log, zero: !log });
  const nodes: VNode[] = [...yAxis(ys, f, unitLabel(s.metric, s.unit)), ...xAxisLinear(xs, f, base, 'simulated time (µs)')];
  const items: LegendItem[] = [];
  s.groups.forEach((g, i) => {
    const { colour, dash } = seriesStyle(i);
    let run: string[] = [];
    const flush = (): void => {
      if (run.length > 1) nodes.push(el('polyline', { points: run.join(' '), fill: 'none', stroke: colour, 'stroke-width': 1.5, 'stroke-dasharray': dash || null }));
      run = [];
    };
    g.data.mean.forEach((v, k) => {
      if (v === null || (log && v <= 0)) flush();
      else run.push(`${r1(xs(t(g, k)))},${r1(ys(v))}`);
    });
    flush();
    items.push({ label: `${g.group.label || g.group.experiment} (#${g.runId})`, colour, dash, swatch: 'line' });
  });
  const lg = legend(items, base + 40, f.left);
  return svg(base + 40 + lg.height + 6, `${s.metric} over simulated time`, 'series', [...nodes, ...lg.nodes], { lines: s.groups.length });
}

/** The chart for a chart cell's data, or null when there is nothing to draw. */
export function chartSvg(d: ChartData): VNode | null {
  switch (d.kind) {
    case 'bar':
      return barChart(d.compare, d.metric, d.log);
    case 'line':
      return lineChart(d.compare, d.metric, d.x, d.log);
    case 'cdf':
      return cdfChart(d.distribution, d.log);
    case 'series':
      return seriesChart(d.series, d.log);
  }
}

export { fmtNumber };
