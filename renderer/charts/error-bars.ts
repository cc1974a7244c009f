/**
 * A Chart.js plugin that draws 95 % confidence-interval whiskers on bar and line datasets:
 * each dataset may carry `errorBars: ({ lo: number; hi: number } | null)[]` parallel to its data.
 * The value axis grows to hold every whisker (none is clipped at the plot's edge). A line's
 * whiskers take the line's colour (several lines share a plot; the text colour would make them
 * all look alike, white on the dark theme); a bar's keep the text colour, since they cross the
 * filled bar.
 */
import type { Chart, Plugin, Scale } from 'chart.js';

export interface ErrorBar {
  lo: number;
  hi: number;
}

/** One whisker as drawn: canvas pixels and stroke colour. */
export interface DrawnWhisker {
  x: number;
  top: number;
  bottom: number;
  colour: string;
}

type WithBars = { errorBars?: (ErrorBar | null)[]; borderColor?: unknown; type?: string };

function isLine(chart: Chart, ds: WithBars): boolean {
  return (ds.type ?? (chart.config as { type?: string }).type) === 'line';
}

export const errorBarsPlugin: Plugin = {
  id: 'labErrorBars',
  afterDataLimits(chart: Chart, args: { scale: Scale }) {
    const scale = args.scale;
    if (scale.axis !== 'y') return;
    const log = scale.type === 'logarithmic';
    chart.data.datasets.forEach((ds, di) => {
      const bars = (ds as WithBars).errorBars;
      const meta = chart.getDatasetMeta(di);
      if (!bars || meta.hidden || (meta.yAxisID ?? 'y') !== scale.id) return;
      for (const b of bars) {
        if (!b || !Number.isFinite(b.lo) || !Number.isFinite(b.hi)) continue;
        if (b.hi > scale.max) scale.max = b.hi;
        if (b.lo < scale.min && !(log && b.lo <= 0)) scale.min = b.lo;
      }
    });
  },
  afterDatasetsDraw(chart: Chart) {
    const { ctx } = chart;
    // What was drawn, for the end-to-end tests (compare view's test hook).
    const drawn: DrawnWhisker[] = [];
    (chart as Chart & { $labWhiskers?: DrawnWhisker[] }).$labWhiskers = drawn;
    const textColour = (chart.options.plugins as { labErrorBars?: { color?: string } }).labErrorBars?.color ?? '#888';
    chart.data.datasets.forEach((ds, di) => {
      const bars = (ds as WithBars).errorBars;
      const meta = chart.getDatasetMeta(di);
      if (!bars || meta.hidden) return;
      const yScale = chart.scales[meta.yAxisID ?? 'y'];
      if (!yScale) return;
      const own = (ds as WithBars).borderColor;
      ctx.save();
      ctx.strokeStyle = isLine(chart, ds as WithBars) && typeof own === 'string' ? own : textColour;
      ctx.lineWidth = 1.5;
      meta.data.forEach((el, i) => {
        const b = bars[i];
        if (!b) return;
        const x = el.x;
        const width = 'width' in el && typeof el.width === 'number' ? Math.min(14, el.width / 3) : 6;
        const top = yScale.getPixelForValue(b.hi);
        const bottom = yScale.getPixelForValue(Math.max(b.lo, yScale.type === 'logarithmic' ? Number.MIN_VALUE : -Infinity));
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.moveTo(x - width, top);
        ctx.lineTo(x + width, top);
        ctx.moveTo(x - width, bottom);
        ctx.lineTo(x + width, bottom);
        ctx.stroke();
        drawn.push({ x, top, bottom, colour: String(ctx.strokeStyle) });
      });
      ctx.restore();
    });
  },
};
