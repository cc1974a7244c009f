import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Chart } from 'chart.js';
import { errorBarsPlugin, type DrawnWhisker } from './error-bars';

/** A chart with one line dataset whose top whisker reaches past the data: what the plugin sees of Chart.js. */
function fakeChart(kind: 'line' | 'bar') {
  const strokes: string[] = [];
  const ctx = { strokeStyle: '', lineWidth: 0, save() {}, restore() {}, beginPath() {}, moveTo() {}, lineTo() {}, stroke() { strokes.push(String(this.strokeStyle)); } };
  const y = { id: 'y', axis: 'y', type: 'linear', min: 0, max: 100, getPixelForValue: (v: number) => 300 - v * 2 };
  const chart = {
    ctx,
    config: { type: kind },
    options: { plugins: { labErrorBars: { color: '#dfe1e5' } } },
    data: { datasets: [{ type: undefined, borderColor: '#4d8ff7', errorBars: [{ lo: 40, hi: 60 }, { lo: -10, hi: 130 }] }] },
    scales: { y },
    getDatasetMeta: () => ({ hidden: false, yAxisID: 'y', data: [{ x: 10 }, { x: 20 }] }),
  };
  return { chart: chart as unknown as Chart, y, strokes };
}

test('line-chart whiskers are drawn in their series colour, not the text colour', () => {
  const { chart, strokes } = fakeChart('line');
  errorBarsPlugin.afterDatasetsDraw!(chart, {} as never, {} as never);
  assert.deepEqual(strokes, ['#4d8ff7', '#4d8ff7']);
  const drawn = (chart as unknown as { $labWhiskers: DrawnWhisker[] }).$labWhiskers;
  assert.deepEqual(drawn.map((w) => w.colour), ['#4d8ff7', '#4d8ff7']);
});

test('bar whiskers keep the text colour (they cross the filled bar)', () => {
  const { chart, strokes } = fakeChart('bar');
  errorBarsPlugin.afterDatasetsDraw!(chart, {} as never, {} as never);
  assert.deepEqual(strokes, ['#dfe1e5', '#dfe1e5']);
});

test('the value axis grows to hold every whisker, so none is clipped', () => {
  const { chart, y } = fakeChart('line');
  errorBarsPlugin.afterDataLimits!(chart, { scale: y } as never, {} as never);
  assert.equal(y.max, 130);
  assert.equal(y.min, -10);
});

test('on a log axis a whisker reaching zero or below does not drag the axis there', () => {
  const { chart, y } = fakeChart('line');
  y.type = 'logarithmic';
  y.min = 1;
  errorBarsPlugin.afterDataLimits!(chart, { scale: y } as never, {} as never);
  assert.equal(y.max, 130);
  assert.equal(y.min, 1);
});
