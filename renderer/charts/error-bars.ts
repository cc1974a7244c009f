/**
 * A Chart.js plugin that draws 95 % confidence-interval whiskers on bar and line datasets:
 * each dataset may carry `errorBars: ({ lo: number; hi: number } | null)[]` parallel to its data.
 */
import type { Chart, Plugin } from 'chart.js';

export interface ErrorBar {
  lo: number;
  hi: number;
}

export const errorBarsPlugin: Plugin = {
  id: 'labErrorBars',
  afterDatasetsDraw(chart: Chart) {
    const { ctx } = chart;
    chart.data.datasets.forEach((ds, di) => {
      const bars = (ds as { errorBars?: (ErrorBar | null)[] }).errorBars;
      const meta = chart.getDatasetMeta(di);
      if (!bars || meta.hidden) return;
      const yScale = chart.scales[meta.yAxisID ?? 'y'];
      if (!yScale) return;
      ctx.save();
      ctx.strokeStyle = (chart.options.plugins as { labErrorBars?: { color?: string } }).labErrorBars?.color ?? '#888';
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
      });
      ctx.restore();
    });
  },
};
