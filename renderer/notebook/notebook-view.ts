/**
 * The notebook view: pick, create or import a notebook; edit its title, question and cells
 * (Monaco for markdown, text and scripts; forms for chart and table queries); run a cell or run
 * all; see each cell's execution count and whether it is fresh, stale (its inputs or an upstream
 * cell changed since it ran) or never run; and export the report (HTML, PDF) or the notebook
 * file. Outputs are the shared VNode renderings of main/common/report, so the charts are the
 * report's charts. Edits are saved to the store as they happen; the state is the service's.
 */
import type { Cell, CellType } from '../../main/common/notebook/schema';
import { dependenciesOf, newCellId } from '../../main/common/notebook/stale';
import type { CellView, NotebookInfo, NotebookView } from '../../main/common/api';
import { outputNode, reproducedText } from '../../main/common/report/cells';
import type { AppContext } from '../context';
import type { Monaco } from '../editor/monaco';
import { confirmDialog, promptDialog, toast } from '../ui/dialog';
import { h, replace } from '../ui/dom';
import { saveBlob, saveExported } from '../ui/download';
import { saveSvg, svgToPng } from '../charts/chart-export';
import { chartSvg } from '../../main/common/report/svg-chart';
import { prefs, setPref } from '../ui/persist';
import { toDom } from '../ui/vdom';
import { createCellEditor, setMetricCatalog, type CellEditor } from './cell-editor';
import { newCell } from './templates';

export interface NotebookViewHandle {
  element: HTMLElement;
  /** Opens the last notebook (or the first stored one); called once at start. */
  restore(): Promise<void>;
  /** True while edits are waiting to be saved. */
  dirty(): boolean;
}

const STATUS_LABEL = { fresh: 'up to date', stale: 'stale', 'never-run': 'not run' } as const;
const TYPES: { type: CellType; label: string }[] = [
  { type: 'markdown', label: 'Markdown' },
  { type: 'experiment', label: 'Experiment' },
  { type: 'chart', label: 'Chart' },
  { type: 'table', label: 'Table' },
  { type: 'text', label: 'Quoted text' },
];

interface Card {
  id: string;
  element: HTMLElement;
  header: HTMLElement;
  output: HTMLElement;
  editor: CellEditor;
}

export function createNotebookView(ctx: AppContext, monaco: Monaco): NotebookViewHandle {
  setMetricCatalog(ctx.info.metrics);
  const picker = h('select.input', { 'aria-label': 'Notebook', 'data-test': 'nb-picker', style: 'max-width:260px' });
  const newBtn = h('button.btn.small', { type: 'button', 'data-test': 'nb-new' }, '+ New notebook');
  const importInput = h('input', { type: 'file', accept: '.json,application/json', style: 'display:none', 'data-test': 'nb-import-file' });
  const importBtn = h('button.btn.small', { type: 'button', 'data-test': 'nb-import' }, 'Import…');
  const runAll = h('button.btn.small.primary', { type: 'button', 'data-test': 'nb-run-all', title: 'Run every cell top to bottom' }, '▶ Run all');
  const exportHtml = h('button.btn.small', { type: 'button', 'data-test': 'nb-export-html' }, 'Report HTML');
  const exportPdf = h('button.btn.small', { type: 'button', 'data-test': 'nb-export-pdf' }, 'Report PDF');
  const exportFile = h('button.btn.small', { type: 'button', 'data-test': 'nb-export-file', title: 'The notebook with its scripts and runs, to open on another machine' }, 'Notebook file');
  const exportIpynb = h('button.btn.small', { type: 'button', 'data-test': 'nb-export-ipynb', title: 'For Jupyter: markdown cells, and code cells that load the runs as CSV and redo the charts and tables with pandas' }, '.ipynb');
  const deleteBtn = h('button.btn.small', { type: 'button', 'data-test': 'nb-delete' }, 'Delete');
  const state = h('span.dim', { 'data-test': 'nb-state' }, '');
  const title = h('input.input.nb-title', { 'aria-label': 'Notebook title', 'data-test': 'nb-title' });
  const question = h('textarea.input.nb-question', { 'aria-label': 'The question it answers', 'data-test': 'nb-question', rows: 2, placeholder: 'The question this notebook answers' });
  const cellsHost = h('div.nb-cells', { 'data-test': 'nb-cells' });
  const adders = h('div.nb-add', null, h('span.dim', null, 'Add a cell:'), TYPES.map((t) => h('button.btn.small', { type: 'button', 'data-test': `nb-add-${t.type}`, onclick: () => addCell(t.type) }, `+ ${t.label}`)));
  const placeholder = h('div.placeholder', null, h('h3', null, 'No notebook yet'), h('p', null, 'Create one, or import a notebook file (resources/notebooks/ has the seed-000 one).'));
  const body = h('div.nb-body', { style: 'display:none' }, title, question, cellsHost, adders);
  const scroller = h('div.nb-scroll', null, placeholder, body);
  const element = h(
    'section.view',
    { 'data-view': 'notebook', 'aria-label': 'Notebook' },
    h('div.toolbar', null, h('span.title', null, 'Notebook'), picker, newBtn, importBtn, importInput, h('span.sep'), runAll, h('span.sep'), h('span.dim', null, 'export'), exportHtml, exportPdf, exportFile, exportIpynb, deleteBtn, h('span.spacer'), state),
    scroller,
  );

  let view: NotebookView | null = null;
  let cells: Cell[] = [];
  let cards: Card[] = [];
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let saving: Promise<void> = Promise.resolve();
  let pendingEdits = false;
  let busy = false;

  const setBusy = (b: boolean, text = ''): void => {
    busy = b;
    for (const el of [runAll, exportHtml, exportPdf, exportFile, exportIpynb, deleteBtn, newBtn, importBtn, picker]) el.disabled = b;
    element.dataset.busy = String(b);
    state.textContent = text;
  };

  async function refreshPicker(select: number | null): Promise<NotebookInfo[]> {
    const list = await ctx.api.listNotebooks({});
    replace(picker, list.map((n) => h('option', { value: String(n.id) }, n.name)));
    if (select !== null) picker.value = String(select);
    return list;
  }

  function inputsAbove(i: number): string[] {
    return cells.slice(0, i).filter((c) => c.type === 'experiment').map((c) => c.id);
  }

  function headerOf(c: Cell, v: CellView | undefined): Node[] {
    const status = v?.status ?? 'never-run';
    const i = cells.findIndex((x) => x.id === c.id);
    const deps = dependenciesOf(c);
    return [
      h('span.nb-count', { title: 'Execution count' }, v?.state ? `[${v.state.executionCount}]` : '[ ]'),
      h('span.nb-type', null, c.type),
      h('span.mono.dim', null, c.id),
      deps.length ? h('span.dim', null, `← ${deps.join(', ')}`) : null,
      h(`span.nb-status.${status}` as 'span', { 'data-test': 'cell-status' }, STATUS_LABEL[status]),
      v?.state?.error ? h('span.nb-error', { title: v.state.error }, '⚠ ' + v.state.error) : null,
      h('span.spacer'),
      h('button.btn.small', { type: 'button', 'data-test': 'cell-run', disabled: busy, onclick: () => void run([c.id]) }, '▶ Run'),
      h('button.btn.small', { type: 'button', title: 'Move up', 'aria-label': 'Move up', disabled: i <= 0, onclick: () => move(c.id, -1) }, '↑'),
      h('button.btn.small', { type: 'button', title: 'Move down', 'aria-label': 'Move down', disabled: i >= cells.length - 1, onclick: () => move(c.id, 1) }, '↓'),
      h('button.btn.small', { type: 'button', title: 'Delete cell', 'aria-label': 'Delete cell', 'data-test': 'cell-delete', onclick: () => void removeCell(c.id) }, '✕'),
    ].filter((n): n is HTMLElement => n !== null);
  }

  function renderOutput(card: Card, v: CellView | undefined): void {
    if (v === undefined) {
      replace(card.output, h('p.dim', null, 'saving…'));
      return;
    }
    const nodes = outputNode(v).map((n) => toDom(n));
    const rep = v.cell.type === 'experiment' ? reproducedText(v) : null;
    replace(card.output, ...nodes);
    const o = v.output;
    if (o.type === 'chart') {
      const svg = chartSvg(o.data);
      if (svg) {
        const stem = `${view?.name ?? 'notebook'}-${v.cell.id}`.replace(/[^\w.-]+/g, '-');
        const svgBtn = h('button.btn.small', { type: 'button', 'data-test': 'chart-svg', onclick: () => saveSvg(svg, `${stem}.svg`) }, 'SVG');
        const pngBtn = h('button.btn.small', { type: 'button', 'data-test': 'chart-png', onclick: () => void svgToPng(svg).then((b) => saveBlob(b, `${stem}.png`)).catch(ctx.fail) }, 'PNG');
        card.output.append(h('div.nb-chart-export', null, h('span.dim', null, 'save chart as'), svgBtn, pngBtn));
      }
    }
    card.output.dataset.kind = v.output.type;
    if (rep) card.output.dataset.reproduced = rep;
  }

  /** Updates headers and outputs from the service's view (editors keep focus and cursor). */
  function applyView(v: NotebookView): void {
    view = v;
    element.dataset.notebook = String(v.id);
    const byId = new Map(v.cells.map((c) => [c.cell.id, c]));
    cards.forEach((card, i) => {
      const cv = byId.get(card.id);
      card.element.dataset.status = cv?.status ?? 'never-run';
      replace(card.header, ...headerOf(cells[i]!, cv));
      renderOutput(card, cv);
      card.editor.setInputs(inputsAbove(i));
    });
    element.dataset.counter = String(v.executionCounter);
  }

  function renderAll(v: NotebookView): void {
    for (const c of cards) c.editor.dispose();
    cells = v.cells.map((c) => c.cell);
    title.value = v.title;
    question.value = v.question;
    cards = cells.map((c) => {
      const header = h('div.nb-cell-head');
      const output = h('div.nb-output', { 'data-test': 'cell-output' });
      const editor = createCellEditor(monaco, c, (next) => {
        const i = cells.findIndex((x) => x.id === next.id);
        if (i >= 0) cells[i] = next;
        scheduleSave();
      });
      const el = h('div.nb-cell', { 'data-cell': c.id, 'data-type': c.type, 'data-test': 'cell' }, header, editor.element, output);
      return { id: c.id, element: el, header, output, editor };
    });
    replace(cellsHost, cards.map((c) => c.element));
    placeholder.style.display = 'none';
    body.style.display = '';
    applyView(v);
  }

  function markDirty(): void {
    pendingEdits = true;
    element.dataset.dirty = 'true';
    state.textContent = 'unsaved changes…';
  }

  function scheduleSave(): void {
    markDirty();
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void flush().catch(ctx.fail), 400);
  }

  /** Saves pending edits now; resolves once the store has them. */
  async function flush(): Promise<void> {
    if (saveTimer) {
      clearTimeout(saveTimer);
      saveTimer = null;
    }
    await saving;
    if (!pendingEdits || view === null) return;
    pendingEdits = false;
    const id = view.id;
    saving = (async () => {
      try {
        const v = await ctx.api.saveNotebook({ id, title: title.value.trim() || 'Untitled notebook', question: question.value, cells });
        if (view?.id === id) applyView(v);
        if (!pendingEdits) {
          element.dataset.dirty = 'false';
          if (!busy) state.textContent = 'saved';
        }
      } catch (e) {
        pendingEdits = true;
        state.textContent = 'not saved';
        throw e;
      }
    })();
    await saving;
  }

  async function open(id: number): Promise<void> {
    await flush().catch(ctx.fail);
    const v = await ctx.api.getNotebook({ id });
    setPref('notebookId', id);
    picker.value = String(id);
    renderAll(v);
    state.textContent = '';
  }

  async function run(ids?: string[]): Promise<void> {
    if (view === null || busy) return;
    await flush();
    setBusy(true, ids ? `running ${ids.join(', ')}…` : 'running all cells…');
    try {
      const v = await ctx.api.runNotebook({ id: view.id, ...(ids ? { cells: ids } : {}) });
      applyView(v);
      ctx.runsChanged();
      const failed = v.cells.filter((c) => c.state?.error);
      setBusy(false, failed.length ? `${failed.length} cell(s) failed` : `ran ${ids ? ids.length : v.cells.length} cell(s)`);
    } catch (e) {
      setBusy(false, 'run failed');
      ctx.fail(e);
    }
  }

  function addCell(type: CellType): void {
    if (view === null) return;
    const id = newCellId({ cells }, type);
    const input = [...cells].reverse().find((c) => c.type === 'experiment')?.id ?? null;
    if ((type === 'chart' || type === 'table' || type === 'text') && input === null) {
      toast('Add an experiment cell first: chart, table and text cells read its runs.', 'error');
      return;
    }
    cells = [...cells, newCell(type, id, input)];
    void saveStructure();
  }

  function move(id: string, by: number): void {
    const i = cells.findIndex((c) => c.id === id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= cells.length) return;
    const next = [...cells];
    [next[i], next[j]] = [next[j]!, next[i]!];
    cells = next;
    void saveStructure();
  }

  async function removeCell(id: string): Promise<void> {
    if (!(await confirmDialog('Delete cell', `Delete cell "${id}"? Cells reading it must then read another experiment.`, 'Delete', true))) return;
    cells = cells.filter((c) => c.id !== id);
    await saveStructure();
  }

  /** A change of the cell list: save now and rebuild the cards. */
  async function saveStructure(): Promise<void> {
    if (view === null) return;
    markDirty();
    if (saveTimer) clearTimeout(saveTimer);
    await saving;
    pendingEdits = false;
    try {
      const v = await ctx.api.saveNotebook({ id: view.id, title: title.value.trim() || 'Untitled notebook', question: question.value, cells });
      renderAll(v);
      element.dataset.dirty = 'false';
      state.textContent = 'saved';
    } catch (e) {
      ctx.fail(e);
      renderAll(await ctx.api.getNotebook({ id: view.id }));
    }
  }

  async function exportReport(format: 'html' | 'pdf'): Promise<void> {
    if (view === null) return;
    await flush();
    setBusy(true, `exporting ${format.toUpperCase()}…`);
    try {
      const f = await ctx.api.exportReport({ id: view.id, format });
      saveExported(f);
      setBusy(false, `exported ${f.fileName}`);
    } catch (e) {
      setBusy(false, 'export failed');
      ctx.fail(e);
    }
  }

  title.addEventListener('input', scheduleSave);
  question.addEventListener('input', scheduleSave);
  picker.addEventListener('change', () => void open(Number(picker.value)).catch(ctx.fail));
  runAll.addEventListener('click', () => void run());
  exportHtml.addEventListener('click', () => void exportReport('html'));
  exportPdf.addEventListener('click', () => void exportReport('pdf'));
  exportFile.addEventListener('click', () => {
    if (view === null) return;
    void flush()
      .then(() => ctx.api.exportNotebook({ id: view!.id, runs: true }))
      .then((f) => {
        saveExported(f);
        state.textContent = `exported ${f.fileName}`;
      })
      .catch(ctx.fail);
  });
  exportIpynb.addEventListener('click', () => {
    if (view === null) return;
    void flush()
      .then(() => ctx.api.exportNotebook({ id: view!.id, format: 'ipynb' }))
      .then((f) => {
        saveExported(f);
        state.textContent = `exported ${f.fileName}`;
      })
      .catch(ctx.fail);
  });
  newBtn.addEventListener('click', () => {
    void (async () => {
      const name = await promptDialog('New notebook', 'Name', 'my notebook');
      if (!name) return;
      const v = await ctx.api.createNotebook({ name, cells: [newCell('markdown', 'markdown-1', null)] });
      await refreshPicker(v.id);
      setPref('notebookId', v.id);
      renderAll(v);
    })().catch(ctx.fail);
  });
  importBtn.addEventListener('click', () => importInput.click());
  importInput.addEventListener('change', () => {
    const file = importInput.files?.[0];
    if (!file) return;
    void (async () => {
      setBusy(true, `importing ${file.name}…`);
      try {
        // Named after the file, as the CLI names it, so both give the same report.
        const name = file.name.replace(/\.json$/i, '').replace(/\.viommu-notebook$/i, '');
        const v = await ctx.api.importNotebook({ text: await file.text(), name });
        await refreshPicker(v.id);
        setPref('notebookId', v.id);
        renderAll(v);
        ctx.runsChanged();
        setBusy(false, `imported ${file.name}`);
      } catch (e) {
        setBusy(false, 'import failed');
        ctx.fail(e);
      } finally {
        importInput.value = '';
      }
    })();
  });
  deleteBtn.addEventListener('click', () => {
    if (view === null) return;
    const v = view;
    void (async () => {
      if (!(await confirmDialog('Delete notebook', `Delete notebook "${v.name}"? Its runs stay in the store.`, 'Delete', true))) return;
      await ctx.api.deleteNotebook({ id: v.id });
      view = null;
      const list = await refreshPicker(null);
      if (list[0]) await open(list[0].id);
      else {
        placeholder.style.display = '';
        body.style.display = 'none';
      }
    })().catch(ctx.fail);
  });

  return {
    element,
    async restore() {
      const list = await refreshPicker(null);
      const want = list.find((n) => n.id === prefs().notebookId) ?? list[0];
      if (want) await open(want.id);
    },
    dirty: () => pendingEdits,
  };
}
