/**
 * The editing half of a notebook cell: Monaco for markdown, text and experiment scripts (the
 * experiment's language follows its file name, with the DSL's completion), and small forms for
 * chart and table queries. Every edit calls `changed` with the new cell.
 */
import { CHART_KINDS, type Cell } from '../../main/common/notebook/schema';
import type { Monaco } from '../editor/monaco';
import { h } from '../ui/dom';

export interface CellEditor {
  element: HTMLElement;
  /** The experiment cells above this one changed (for the input selector). */
  setInputs(ids: string[]): void;
  dispose(): void;
}

const KIND_LABEL: Record<(typeof CHART_KINDS)[number], string> = { bar: 'Bars ± 95 % CI', line: 'Metric vs parameter', cdf: 'Latency CDF', series: 'Time series' };

function filterText(f: Record<string, string | number | boolean>): string {
  return Object.entries(f).map(([k, v]) => `${k}=${String(v)}`).join(', ');
}

function parseFilter(text: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const v = part.slice(eq + 1).trim();
    out[part.slice(0, eq).trim()] = v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

let modelSeq = 0;
let metricList: HTMLDataListElement | null = null;
let metricDefs: readonly { name: string; unit: string; doc: string }[] = [];
/** The declared metrics (from appInfo), offered as completions of a chart's metric. */
export function setMetricCatalog(defs: readonly { name: string; unit: string; doc: string }[]): void {
  metricDefs = defs;
}
function metricsDatalist(): string {
  if (metricList === null) {
    metricList = h('datalist', { id: 'nb-metrics' }, metricDefs.map((d) => h('option', { value: d.name }, `${d.unit} — ${d.doc}`)));
    document.body.append(metricList);
  }
  return 'nb-metrics';
}

function monacoBox(monaco: Monaco, language: string, value: string, onChange: (v: string) => void, uri?: string): { element: HTMLElement; dispose(): void } {
  const element = h('div.nb-monaco', { 'data-test': 'cell-editor' });
  const model = monaco.editor.createModel(value, language, uri ? monaco.Uri.parse(uri) : undefined);
  const editor = monaco.editor.create(element, {
    model,
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    lineNumbers: language === 'markdown' ? 'off' : 'on',
    wordWrap: language === 'markdown' ? 'on' : 'off',
    fontSize: 12.5,
    scrollbar: { alwaysConsumeMouseWheel: false },
    theme: document.documentElement.dataset.theme === 'light' ? 'lab-light' : 'lab-dark',
  });
  const fit = (): void => {
    element.style.height = `${Math.min(480, Math.max(60, editor.getContentHeight() + 6))}px`;
  };
  editor.onDidContentSizeChange(fit);
  fit();
  model.onDidChangeContent(() => onChange(model.getValue()));
  return {
    element,
    dispose: () => {
      editor.dispose();
      model.dispose();
    },
  };
}

function inputSelect(cell: Extract<Cell, { input: string }>, changed: (c: Cell) => void): { el: HTMLSelectElement; set(ids: string[]): void } {
  const el = h('select.input', { 'aria-label': 'Experiment cell it reads', 'data-test': 'cell-input' });
  el.addEventListener('change', () => changed({ ...cell, input: el.value }));
  return {
    el,
    set(ids) {
      el.replaceChildren(...ids.map((id) => h('option', { value: id }, id)));
      if (!ids.includes(cell.input)) el.append(h('option', { value: cell.input }, `${cell.input || '(none)'} — missing`));
      el.value = cell.input;
    },
  };
}

export function createCellEditor(monaco: Monaco, initial: Cell, changed: (c: Cell) => void): CellEditor {
  let cell = initial;
  const update = (c: Cell): void => {
    cell = c;
    changed(c);
  };
  switch (initial.type) {
    case 'markdown': {
      const m = monacoBox(monaco, 'markdown', initial.source, (v) => update({ ...(cell as typeof initial), source: v }));
      return { element: m.element, setInputs: () => {}, dispose: m.dispose };
    }
    case 'experiment': {
      const language = initial.file.endsWith('.ts') ? 'typescript' : 'json';
      // A file: URI per cell lets the TypeScript service resolve 'viommu-lab' for each script.
      const m = monacoBox(monaco, language, initial.source, (v) => update({ ...(cell as typeof initial), source: v }), `file:///notebook/${initial.id}-${++modelSeq}/${initial.file.replace(/[^\w.-]/g, '_')}`);
      const file = h('input.input', { value: initial.file, 'aria-label': 'Script file name', 'data-test': 'cell-file', style: 'width:200px' });
      file.addEventListener('change', () => update({ ...(cell as typeof initial), file: file.value.trim() }));
      return { element: h('div', null, h('div.nb-form', null, h('label.inline-field', null, 'file', file)), m.element), setInputs: () => {}, dispose: m.dispose };
    }
    case 'text': {
      const sel = inputSelect(initial, (c) => update({ ...(cell as typeof initial), input: (c as typeof initial).input }));
      const m = monacoBox(monaco, 'markdown', initial.source, (v) => update({ ...(cell as typeof initial), source: v }));
      return { element: h('div', null, h('div.nb-form', null, h('label.inline-field', null, 'quotes runs of', sel.el), h('span.dim', null, 'write {{metric | param=value, …}} to quote a stored value')), m.element), setInputs: sel.set, dispose: m.dispose };
    }
    case 'chart': {
      const c0 = initial;
      const sel = inputSelect(c0, (c) => update({ ...(cell as typeof c0), input: (c as typeof c0).input }));
      const title = h('input.input', { value: c0.title, placeholder: 'title', 'aria-label': 'Chart title', 'data-test': 'cell-title', style: 'width:220px' });
      const kind = h('select.input', { 'aria-label': 'Chart kind', 'data-test': 'cell-kind' }, CHART_KINDS.map((k) => h('option', { value: k }, KIND_LABEL[k])));
      kind.value = c0.kind;
      const metric = h('input.input', { value: c0.metric, list: metricsDatalist(), 'aria-label': 'Metric', 'data-test': 'cell-metric', style: 'width:240px' });
      const x = h('input.input', { value: c0.x, placeholder: 'x parameter', 'aria-label': 'Sweep parameter on the x axis', 'data-test': 'cell-x', style: 'width:110px' });
      const log = h('input', { type: 'checkbox', 'data-test': 'cell-log' });
      log.checked = c0.log;
      const filter = h('input.input', { value: filterText(c0.filter), placeholder: 'filter: param=value, …', 'aria-label': 'Parameter filter', 'data-test': 'cell-filter', style: 'width:200px' });
      const push = (): void =>
        update({ ...(cell as typeof c0), title: title.value, kind: kind.value as typeof c0.kind, metric: metric.value.trim() || c0.metric, x: x.value.trim(), log: log.checked, filter: parseFilter(filter.value) });
      for (const e of [title, kind, metric, x, log, filter]) e.addEventListener('change', push);
      return {
        element: h('div.nb-form', null, h('label.inline-field', null, 'runs of', sel.el), kind, metric, x, h('label.check', null, log, 'log'), filter, title),
        setInputs: sel.set,
        dispose: () => {},
      };
    }
    case 'table': {
      const c0 = initial;
      const sel = inputSelect(c0, (c) => update({ ...(cell as typeof c0), input: (c as typeof c0).input }));
      const title = h('input.input', { value: c0.title, placeholder: 'title', 'aria-label': 'Table title', 'data-test': 'cell-title', style: 'width:220px' });
      const metrics = h('input.input', { value: c0.metrics.join(', '), 'aria-label': 'Metrics (comma-separated; prefix.* for a group)', 'data-test': 'cell-metrics', style: 'width:360px' });
      const filter = h('input.input', { value: filterText(c0.filter), placeholder: 'filter: param=value, …', 'aria-label': 'Parameter filter', 'data-test': 'cell-filter', style: 'width:200px' });
      const push = (): void => {
        const names = metrics.value.split(',').map((s) => s.trim()).filter(Boolean);
        update({ ...(cell as typeof c0), title: title.value, metrics: names.length ? names : c0.metrics, filter: parseFilter(filter.value) });
      };
      for (const e of [title, metrics, filter]) e.addEventListener('change', push);
      return { element: h('div.nb-form', null, h('label.inline-field', null, 'runs of', sel.el), metrics, filter, title), setInputs: sel.set, dispose: () => {} };
    }
  }
}
