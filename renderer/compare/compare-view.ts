/**
 * The comparison view: a chart and a metric table defined by a query (runs selected by
 * experiment and parameter points, never by run id), so re-running refreshes them. Table: mean
 * ± 95 % CI and N per configuration. Charts: bars with CI whiskers, a metric against a sweep
 * parameter, a latency CDF from stored histograms, time series with zoom and pan; linear or log.
 */
import type { Chart as ChartT, ChartConfiguration } from 'chart.js';
import type { CompareResult, RunQuery } from '../../main/common/api';
import { chartCanvasPng, saveSvg } from '../charts/chart-export';
import { chartSvg, type ChartData } from '../../main/common/report/svg-chart';
import { saveBlob } from '../ui/download';
import { barConfig, cdfConfig, Chart, groupedBarConfig, legendItems, lineConfig, seriesConfig, type ChartKind } from '../charts/charts';
import { normalise } from '../charts/grouping';
import type { AppContext } from '../context';
import { h, replace } from '../ui/dom';
import { fmtNumber } from '../ui/format';
import { prefs, setPref } from '../ui/persist';
import { promptDialog, toast } from '../ui/dialog';

export interface CompareView {
  element: HTMLElement;
  setQuery(q: RunQuery, description: string): void;
  refresh(): Promise<void>;
  redraw(): void;
  /** Called when the view becomes visible. */
  shown(): void;
}

export function createCompareView(ctx: AppContext): CompareView {
  const kind = h(
    'select.input',
    { 'aria-label': 'Chart', 'data-test': 'chart-kind' },
    h('option', { value: 'bar' }, 'Bars ± 95 % CI'),
    h('option', { value: 'line' }, 'Metric vs parameter'),
    h('option', { value: 'cdf' }, 'Latency CDF'),
    h('option', { value: 'series' }, 'Time series'),
  );
  const metric = h('select.input', { 'aria-label': 'Metric', 'data-test': 'chart-metric', style: 'max-width:280px' });
  const xParam = h('select.input', { 'aria-label': 'Sweep parameter on the x axis', 'data-test': 'chart-x' });
  const log = h('input', { type: 'checkbox', 'data-test': 'chart-log' });
  const groupBy = h('select.input', { 'aria-label': 'Group bars by a sweep parameter', 'data-test': 'chart-group', title: 'Bars grouped by this parameter (one colour per combination of the others)' });
  const baseline = h('select.input', { 'aria-label': 'Normalise to a baseline configuration', 'data-test': 'chart-baseline', style: 'max-width:220px', title: 'Every value divided by this configuration\'s mean (bars, lines and the table). A ratio\'s ± is its own configuration\'s CI scaled; the baseline\'s uncertainty is not propagated.' });
  const resetZoom = h('button.btn.small', { type: 'button', title: 'Reset zoom' }, 'Reset zoom');
  const svgBtn = h('button.btn.small', { type: 'button', 'data-test': 'chart-svg', title: 'The chart as SVG (drawn like the reports draw it)' }, 'SVG');
  const pngBtn = h('button.btn.small', { type: 'button', 'data-test': 'chart-png', title: 'The chart as PNG' }, 'PNG');
  const saveBtn = h('button.btn.small', { type: 'button', 'data-test': 'compare-save', title: 'Save this comparison (its query and chart settings) under a name' }, 'Save…');
  const savedList = h('select.input', { 'aria-label': 'Saved comparisons', 'data-test': 'compare-saved', style: 'max-width:200px' });
  const canvas = h('canvas', { 'data-test': 'chart', role: 'img', 'aria-label': 'Comparison chart' });
  const hint = h('div.chart-hint');
  const metricDoc = h('div.metric-doc', { 'data-test': 'metric-doc' });
  const legendBox = h('div.chart-legend', { 'data-test': 'chart-legend', role: 'list', 'aria-label': 'Series' });
  const chartBox = h('div.chart-box', null, h('div.chart-canvas', null, canvas), legendBox, hint);
  const tableHost = h('div.table-wrap', { 'data-test': 'metric-table' });
  const queryText = h('div.query-text', { 'data-test': 'compare-query' }, 'No comparison yet.');
  const placeholder = h(
    'div.placeholder',
    null,
    h('h3', null, 'Nothing to compare yet'),
    h('p', null, 'Select runs in the Runs view (Ctrl+2) and press Compare. The comparison keeps their experiment and parameter points, so re-running refreshes it.'),
  );
  const body = h('div.compare-body', { style: 'display:none' }, metricDoc, chartBox, tableHost);
  const element = h(
    'section.view',
    { 'data-view': 'compare', 'aria-label': 'Compare' },
    h('div.toolbar', null, h('span.title', null, 'Compare'), kind, metric, h('label.inline-field', null, 'x', xParam), h('label.inline-field', null, 'group', groupBy), h('label.inline-field', null, 'relative to', baseline), h('label.check', null, log, 'log scale'), resetZoom, h('span.spacer'), savedList, saveBtn, h('span.dim', null, 'save chart as'), svgBtn, pngBtn),
    queryText,
    placeholder,
    body,
  );

  let query: RunQuery | null = null;
  let description = '';
  let result: CompareResult | null = null;
  let chart: ChartT | null = null;
  let drawSeq = 0;
  let lastData: ChartData | null = null;
  const histogramNames = ctx.info.metrics.filter((d) => d.kind === 'histogram').map((d) => d.name);
  const seriesNames = ctx.info.metrics.filter((d) => d.kind === 'series').map((d) => d.name);

  const saved = prefs().chart;
  kind.value = saved.kind;
  log.checked = saved.log;

  function metricOptions(k: ChartKind): string[] {
    if (!result) return [];
    const scalars = result.metrics.map((m) => m.name);
    if (k === 'cdf') return histogramNames.filter((n) => scalars.includes(`${n}.count`));
    if (k === 'series') return seriesNames;
    return scalars;
  }

  function fillSelectors(): void {
    const k = kind.value as ChartKind;
    const opts = metricOptions(k);
    const want = metric.value || prefs().chart.metric;
    const docOf = (n: string): string => {
      const d = ctx.info.metrics.find((x) => x.name === n || n.startsWith(x.name + '.'));
      return d ? `${d.unit} — ${d.doc}` : '';
    };
    replace(metric, opts.map((n) => h('option', { value: n, title: docOf(n) }, n)));
    metric.value = opts.includes(want) ? want : (opts.find((n) => /throughput|latency_ns\.p99|ops\.per_sec/.test(n)) ?? opts[0] ?? '');
    const params = result?.params ?? [];
    const wantX = xParam.value || prefs().chart.x;
    replace(xParam, params.map((p) => h('option', { value: p }, p)));
    xParam.value = params.includes(wantX) ? wantX : (params[0] ?? '');
    xParam.disabled = k !== 'line' || params.length === 0;
    const wantGroup = groupBy.value || (prefs().chart.group ?? '');
    replace(groupBy, h('option', { value: '' }, 'each configuration'), params.map((p) => h('option', { value: p }, p)));
    groupBy.value = params.includes(wantGroup) ? wantGroup : '';
    groupBy.disabled = k !== 'bar' || params.length === 0;
    const wantBase = baseline.value || (prefs().chart.baseline ?? '');
    const groups = result?.groups ?? [];
    replace(baseline, h('option', { value: '' }, 'absolute values'), groups.map((g) => h('option', { value: g.key }, g.label || g.experiment)));
    baseline.value = groups.some((g) => g.key === wantBase) ? wantBase : '';
    baseline.disabled = k === 'cdf' || k === 'series';
    resetZoom.style.display = k === 'series' ? '' : 'none';
  }

  function persist(): void {
    setPref('chart', { kind: kind.value, metric: metric.value, x: xParam.value, log: log.checked, group: groupBy.value, baseline: baseline.value });
  }

  /** The comparison as shown: normalised to the chosen baseline configuration, if one is chosen. */
  function viewed(): CompareResult | null {
    if (!result || baseline.disabled || baseline.value === '') return result;
    return normalise(result, baseline.value) ?? result;
  }

  function renderTable(): void {
    const r = viewed();
    if (!r) return;
    replace(
      tableHost,
      h(
        'table.grid',
        { 'aria-label': 'Metrics per configuration' },
        h('thead', null, h('tr', null, h('th', null, 'Metric'), h('th', null, 'Unit'), r.groups.map((g) => h('th.num', { title: `runs ${g.runIds.join(', ')}` }, g.label || g.experiment)))),
        h(
          'tbody',
          null,
          r.metrics.map((m) =>
            h(
              'tr',
              { title: m.doc, class: m.name === metric.value ? 'selected' : null },
              h('td.mono', null, m.name),
              h('td', null, m.unit),
              m.stats.map((s) =>
                h(
                  'td.num',
                  null,
                  s === null ? '—' : h('span', null, fmtNumber(s.mean), s.ci95 !== null ? h('span.ci', null, ` ± ${fmtNumber(s.ci95, 3)}`) : null, h('span.ci', null, ` (N=${s.n})`)),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  async function draw(): Promise<void> {
    const my = ++drawSeq;
    if (!result || !query) return;
    const k = kind.value as ChartKind;
    let config: ChartConfiguration | null = null;
    hint.textContent = '';
    const shown = viewed()!;
    const grouped = k === 'bar' && !groupBy.disabled && groupBy.value !== '';
    lastData = (k === 'bar' && !grouped) || k === 'line' ? { kind: k, metric: metric.value, x: xParam.value, log: log.checked, compare: shown } : null;
    if (grouped) config = groupedBarConfig(shown, metric.value, groupBy.value, log.checked);
    else if (k === 'bar') config = barConfig(shown, metric.value, log.checked);
    else if (k === 'line') {
      config = lineConfig(shown, metric.value, xParam.value, log.checked);
      if (!config) hint.textContent = 'These runs vary no sweep parameter: pick runs from a sweep.';
    } else if (k === 'cdf') {
      const d = await ctx.api.distribution({ query, metric: metric.value });
      if (my !== drawSeq) return;
      config = cdfConfig(d, log.checked);
      lastData = { kind: 'cdf', metric: metric.value, log: log.checked, distribution: d };
    } else {
      const s = await ctx.api.series({ query, metric: metric.value });
      if (my !== drawSeq) return;
      config = seriesConfig(s, log.checked);
      lastData = { kind: 'series', metric: metric.value, log: log.checked, series: s };
      hint.textContent = 'wheel: zoom · drag: pan';
    }
    chart?.destroy();
    chart = null;
    renderLegend(config && (k !== 'bar' || grouped) ? config : null);
    if (config) chart = new Chart(canvas, config);
    else if (!hint.textContent) hint.textContent = 'No data for this metric in the selected runs.';
    canvas.dataset.kind = config ? k : 'none';
    // How many x labels are drawn, and legend entries (read by the end-to-end tests).
    canvas.dataset.ticks = String(chart?.scales.x?.ticks.length ?? 0);
    canvas.dataset.legend = String(chart?.legend?.legendItems?.length ?? 0);
    const def = ctx.info.metrics.find((d) => d.name === metric.value || metric.value.startsWith(d.name + '.'));
    metricDoc.textContent = def ? `${metric.value} (${def.unit}): ${def.doc}` : metric.value;
    // How many CI whiskers the chart carries (read by the end-to-end tests).
    canvas.dataset.errorBars = String(config ? config.data.datasets.reduce((n, ds) => n + ((ds as { errorBars?: unknown[] }).errorBars ?? []).filter(Boolean).length, 0) : 0);
    renderTable();
  }

  /** The series of a line chart, each in its own colour and dash; a click hides or shows it. */
  function renderLegend(config: ChartConfiguration | null): void {
    const items = config ? legendItems(config) : [];
    legendBox.style.display = items.length ? '' : 'none';
    replace(
      legendBox,
      items.map((it, i) => {
        const swatch = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
        swatch.setAttribute('width', '28');
        swatch.setAttribute('height', '10');
        const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
        for (const [a, v] of Object.entries({ x1: '1', y1: '5', x2: '27', y2: '5', stroke: it.colour, 'stroke-width': '2', 'stroke-dasharray': it.dash.join(' ') || 'none' })) line.setAttribute(a, v);
        swatch.append(line);
        const entry = h('button.legend-entry', { type: 'button', role: 'listitem', 'data-test': 'legend-entry', title: `${it.label} — click to hide or show` }, swatch, h('span', null, it.label));
        entry.addEventListener('click', () => {
          if (!chart) return;
          const visible = chart.isDatasetVisible(i);
          chart.setDatasetVisibility(i, !visible);
          entry.classList.toggle('off', visible);
          chart.update();
        });
        return entry;
      }),
    );
  }

  async function refresh(): Promise<void> {
    if (!query) return;
    result = await ctx.api.compare({ query });
    placeholder.style.display = result.groups.length ? 'none' : '';
    body.style.display = result.groups.length ? '' : 'none';
    if (!result.groups.length) replace(placeholder, h('h3', null, 'No finished runs match this comparison'), h('p', null, 'The runs may have been deleted, or are still running.'));
    fillSelectors();
    await draw();
  }

  for (const el of [kind, metric, xParam, log, groupBy, baseline]) {
    el.addEventListener('change', () => {
      if (el === kind) fillSelectors();
      persist();
      void draw().catch(ctx.fail);
    });
  }
  const stem = (): string => `${(query?.experiment ?? 'comparison').replace(/[^\w.-]+/g, '-')}-${metric.value}`;
  svgBtn.addEventListener('click', () => {
    const svg = lastData ? chartSvg(lastData) : null;
    if (svg) saveSvg(svg, `${stem()}.svg`);
    else ctx.fail(new Error(kind.value === 'bar' && groupBy.value ? 'grouped bars have no SVG form yet: save them as PNG' : 'no chart to save'));
  });
  pngBtn.addEventListener('click', () => {
    const bg = getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() || '#ffffff';
    void chartCanvasPng(canvas, bg).then((b) => saveBlob(b, `${stem()}.png`)).catch(ctx.fail);
  });
  function renderSaved(): void {
    const list = prefs().savedComparisons;
    replace(savedList, h('option', { value: '' }, list.length ? `saved comparisons (${list.length})` : 'no saved comparisons'), list.map((c) => h('option', { value: c.name, title: c.description }, c.name)));
    savedList.value = '';
    savedList.disabled = list.length === 0;
  }
  renderSaved();
  saveBtn.addEventListener('click', () => {
    if (!query) return ctx.fail(new Error('nothing to save: compare some runs first'));
    const q = query;
    void promptDialog('Save comparison', 'Name', description).then((name) => {
      if (!name) return;
      persist();
      const entry = { name, query: q, description, chart: { ...prefs().chart } };
      setPref('savedComparisons', [...prefs().savedComparisons.filter((c) => c.name !== name), entry].sort((a, b) => a.name.localeCompare(b.name)));
      renderSaved();
      toast(`Saved comparison “${name}”.`);
    });
  });
  savedList.addEventListener('change', () => {
    const c = prefs().savedComparisons.find((x) => x.name === savedList.value);
    if (!c) return;
    setPref('chart', { ...c.chart });
    kind.value = c.chart.kind;
    log.checked = c.chart.log;
    for (const [el, v] of [[metric, c.chart.metric], [xParam, c.chart.x], [groupBy, c.chart.group ?? ''], [baseline, c.chart.baseline ?? '']] as const) {
      replace(el, h('option', { value: v }, v));
      el.value = v;
    }
    ctx.compare(c.query, c.description);
  });

  resetZoom.addEventListener('click', () => (chart as unknown as { resetZoom?: () => void } | null)?.resetZoom?.());
  // Re-query when runs change, but only while visible: a hidden comparison refreshes when shown.
  let stale = false;
  ctx.onRunsChanged(() => {
    if (element.classList.contains('active')) void refresh().catch(ctx.fail);
    else stale = true;
  });

  // Test hook: read-only facts about the drawn chart (plot area, series styles, whiskers).
  (window as unknown as { __labChart: unknown }).__labChart = () => {
    if (!chart) return null;
    const box = canvas.getBoundingClientRect();
    return {
      kind: canvas.dataset.kind,
      canvas: { width: box.width, height: box.height },
      area: { ...chart.chartArea },
      legend: chart.legend && chart.options.plugins?.legend?.display !== false ? { top: chart.legend.top, bottom: chart.legend.bottom, left: chart.legend.left, right: chart.legend.right } : null,
      datasets: chart.data.datasets.map((ds) => {
        const d = ds as { label?: string; borderColor?: unknown; borderDash?: number[]; pointStyle?: unknown };
        return { label: d.label ?? '', colour: String(d.borderColor), dash: d.borderDash ?? [], pointStyle: String(d.pointStyle ?? 'circle') };
      }),
      whiskers: (chart as unknown as { $labWhiskers?: unknown[] }).$labWhiskers ?? [],
    };
  };

  return {
    element,
    setQuery(q, desc) {
      query = q;
      description = desc;
      queryText.textContent = `query: ${description} · status = done · ${JSON.stringify(q)}`;
      void refresh().catch(ctx.fail);
    },
    refresh,
    redraw: () => void draw().catch(ctx.fail),
    shown() {
      if (!stale) return;
      stale = false;
      void refresh().catch(ctx.fail);
    },
  };
}
