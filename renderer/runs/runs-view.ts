/**
 * The runs browser: every stored run with status, parameter point, replication and time;
 * filter by experiment, status, tag, parameter and text; sort by any column; choose columns;
 * select with the mouse or keyboard; compare, diff, tag, rename and delete (with confirmation).
 */
import type { ExperimentSummary, ParamValue, RunQuery, RunSummary } from '../../main/common/api';
import type { AppContext } from '../context';
import { saveExported } from '../ui/download';
import { showRunDetails } from './run-details';
import { resolveParamFilter } from './param-filter';
import { confirmDialog, promptDialog, toast } from '../ui/dialog';
import { h, replace } from '../ui/dom';
import { fmtDuration, fmtNumber, fmtPoint, fmtTime } from '../ui/format';
import { prefs, setPref } from '../ui/persist';

interface Column {
  key: string;
  label: string;
  sort?: string;
  num?: boolean;
  /** Long text (names, points): the cell is capped and ellipsised, its full text in the tooltip, so the numbers stay in view. */
  long?: boolean;
  cell: (r: RunSummary) => Node | string;
}

const COLUMNS: Column[] = [
  { key: 'id', label: '#', sort: 'id', num: true, cell: (r) => String(r.id) },
  { key: 'name', label: 'Name', sort: 'name', long: true, cell: (r) => r.name },
  { key: 'experiment', label: 'Experiment', sort: 'experiment', long: true, cell: (r) => r.experiment },
  { key: 'status', label: 'Status', sort: 'status', cell: (r) => h('span', { class: `badge ${r.status}`, title: r.error ?? '' }, r.status) },
  { key: 'point', label: 'Point', long: true, cell: (r) => fmtPoint(r.point) },
  { key: 'replication', label: 'Rep', sort: 'replication', num: true, cell: (r) => String(r.replication) },
  { key: 'seed', label: 'Seed', num: true, cell: (r) => String(r.seed) },
  { key: 'events', label: 'Events', sort: 'events', num: true, cell: (r) => fmtNumber(r.events) },
  { key: 'wallMs', label: 'Wall', sort: 'wallMs', num: true, cell: (r) => fmtDuration(r.wallMs) },
  { key: 'createdAt', label: 'Created', sort: 'createdAt', cell: (r) => fmtTime(r.createdAt) },
  { key: 'tags', label: 'Tags', cell: (r) => h('span', null, r.tags.map((t) => h('span.tag', null, t))) },
  { key: 'config', label: 'Config', cell: (r) => r.configHash.slice(0, 10) },
];

const PAGE = 200;

/** "bitrate=10Gbps, queues=2" → { bitrate: "10Gbps", queues: 2 } */
export function parseParamFilter(text: string): Record<string, ParamValue> | null {
  const out: Record<string, ParamValue> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const raw = part.slice(eq + 1).trim();
    out[part.slice(0, eq).trim()] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

export interface RunsView {
  element: HTMLElement;
  refresh(): Promise<void>;
  /** Filters to one job's runs (a chip in the toolbar; its × clears the filter). */
  showJob(jobId: number, runIds: readonly number[], experiment: string): void;
  focus(): void;
}

export function createRunsView(ctx: AppContext): RunsView {
  const search = h('input.input', { type: 'search', placeholder: 'Search name or experiment', 'aria-label': 'Search runs', 'data-test': 'runs-search', style: 'width:180px' });
  const experiment = h('select.input', { 'aria-label': 'Experiment', 'data-test': 'runs-experiment', style: 'max-width:240px' });
  const status = h(
    'select.input',
    { 'aria-label': 'Status', 'data-test': 'runs-status' },
    ['', 'done', 'running', 'failed', 'cancelled', 'budget-exceeded', 'interrupted'].map((s) => h('option', { value: s }, s || 'any status')),
  );
  const tag = h('input.input', { type: 'text', placeholder: 'tag', 'aria-label': 'Tag', style: 'width:90px', 'data-test': 'runs-tag' });
  const param = h('input.input', { type: 'text', placeholder: 'param=value, …', 'aria-label': 'Parameter filter', style: 'width:170px', 'data-test': 'runs-param' });
  const paramError = h('span.status-err', { 'data-test': 'runs-param-error', 'aria-live': 'polite' });
  const jobChip = h('span');
  const compareBtn = h('button.btn.primary', { type: 'button', disabled: true, 'data-test': 'compare-selected', title: 'Compare the selected configurations' }, 'Compare');
  const diffBtn = h('button.btn', { type: 'button', disabled: true, 'data-test': 'diff-selected', title: 'Diff two selected runs' }, 'Diff');
  const tagBtn = h('button.btn', { type: 'button', disabled: true, 'data-test': 'tag-selected' }, 'Tag…');
  const renameBtn = h('button.btn', { type: 'button', disabled: true, 'data-test': 'rename-selected' }, 'Rename…');
  const deleteBtn = h('button.btn', { type: 'button', disabled: true, 'data-test': 'delete-selected', title: 'Delete (Del)' }, 'Delete…');
  const detailsBtn = h('button.btn', { type: 'button', disabled: true, 'data-test': 'details-selected', title: 'Provenance: spec, script, resolved profile, hashes' }, 'Details');
  const exportCsv = h('button.btn', { type: 'button', 'data-test': 'export-csv', title: 'CSV of the selected runs (or of every run the filters show)' }, 'CSV');
  const exportJson = h('button.btn', { type: 'button', 'data-test': 'export-json', title: 'JSON of the selected runs (or of every run the filters show), with specs, profiles and full results' }, 'JSON');
  const columnsMenu = h('details.columns', { style: 'position:relative' });
  const thead = h('thead');
  const tbody = h('tbody');
  const table = h('table.grid', { 'data-test': 'runs-table', 'aria-label': 'Runs', 'aria-multiselectable': 'true', role: 'grid' }, thead, tbody);
  const footer = h('div.footer-bar', { 'data-test': 'runs-footer' });
  const moreBtn = h('button.btn.small', { type: 'button' }, 'Load more');
  const element = h(
    'section.view',
    { 'data-view': 'runs', 'aria-label': 'Runs' },
    h('div.toolbar', null, search, experiment, status, tag, param, paramError, jobChip, h('span.spacer'), compareBtn, diffBtn, detailsBtn, tagBtn, renameBtn, deleteBtn, h('span.dim', null, 'export'), exportCsv, exportJson, columnsMenu),
    h('div.table-wrap', null, table),
    footer,
  );

  let rows: RunSummary[] = [];
  let total = 0;
  const selected = new Set<number>();
  let anchor: number | null = null;
  let focusIndex = 0;
  let seq = 0;
  let experiments: ExperimentSummary[] = [];
  /** The job whose runs are shown, from the jobs panel's "runs" link. */
  let job: { id: number; runIds: number[] } | null = null;

  function renderJobChip(): void {
    if (job === null) return replace(jobChip);
    const clear = h('button.icon-btn', { type: 'button', title: 'Show every run again', 'aria-label': 'Clear the job filter' }, '✕');
    clear.addEventListener('click', () => {
      job = null;
      renderJobChip();
      void refresh().catch(ctx.fail);
    });
    replace(jobChip, h('span.filter-chip', { 'data-test': 'runs-job-filter', title: `runs ${job.runIds.join(', ')}` }, `job ${job.id} · ${job.runIds.length} run${job.runIds.length === 1 ? '' : 's'}`, clear));
  }

  function query(): RunQuery | null {
    const q: RunQuery = {};
    if (experiment.value) q.experiment = experiment.value;
    if (status.value) q.status = status.value as RunQuery['status'];
    if (tag.value.trim()) q.tag = tag.value.trim();
    if (search.value.trim()) q.search = search.value.trim();
    if (job !== null) q.ids = job.runIds;
    if (param.value.trim()) {
      const p = parseParamFilter(param.value);
      const known = [...new Set(experiments.filter((x) => !q.experiment || x.name === q.experiment).flatMap((x) => Object.keys(x.params)))].sort();
      const r = p === null ? { ok: false as const, message: 'write param=value, separated by commas' } : resolveParamFilter(p, known);
      param.style.borderColor = r.ok ? '' : 'var(--err)';
      param.title = r.ok ? '' : r.message;
      paramError.textContent = r.ok ? '' : r.message;
      if (!r.ok) return null;
      q.params = r.params;
    } else {
      param.style.borderColor = '';
      paramError.textContent = '';
    }
    return q;
  }

  function visibleColumns(): Column[] {
    const want = prefs().runColumns;
    return COLUMNS.filter((c) => want.includes(c.key));
  }

  function renderHead(): void {
    const sort = prefs().runSort;
    const all = h('input', { type: 'checkbox', 'aria-label': 'Select all shown', 'data-test': 'select-all' });
    all.checked = rows.length > 0 && rows.every((r) => selected.has(r.id));
    all.addEventListener('change', () => {
      for (const r of rows) {
        if (all.checked) selected.add(r.id);
        else selected.delete(r.id);
      }
      renderBody();
    });
    replace(
      thead,
      h(
        'tr',
        null,
        h('th', { style: 'width:28px' }, all),
        visibleColumns().map((c) => {
          const arrow = c.sort && sort.key === c.sort ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : '';
          const th = h(`th${c.sort ? '.sortable' : ''}${c.num ? '.num' : ''}` as 'th', { 'aria-sort': arrow ? (sort.dir === 'asc' ? 'ascending' : 'descending') : null }, c.label + arrow);
          if (c.sort) {
            th.addEventListener('click', () => {
              const dir = sort.key === c.sort && sort.dir === 'desc' ? 'asc' : 'desc';
              setPref('runSort', { key: c.sort!, dir });
              void refresh();
            });
          }
          return th;
        }),
      ),
    );
  }

  function renderBody(): void {
    const cols = visibleColumns();
    replace(
      tbody,
      rows.map((r, i) => {
        const box = h('input', { type: 'checkbox', 'aria-label': `Select run ${r.id}`, tabindex: -1 });
        box.checked = selected.has(r.id);
        box.addEventListener('click', (e) => {
          e.stopPropagation();
          toggle(r.id);
        });
        const tr = h(
          'tr',
          { 'data-id': r.id, tabindex: i === focusIndex ? 0 : -1, 'aria-selected': selected.has(r.id) ? 'true' : 'false', class: selected.has(r.id) ? 'selected' : null },
          h('td', null, box),
          cols.map((c) => {
            const content = c.cell(r);
            return h(`td${c.num ? '.num' : ''}${c.long ? '.long' : ''}` as 'td', c.long && typeof content === 'string' ? { title: content } : null, content);
          }),
        );
        tr.addEventListener('click', (e) => clickRow(i, e));
        tr.addEventListener('dblclick', () => void openSpec(r.id));
        return tr;
      }),
    );
    renderHead();
    const n = selected.size;
    compareBtn.disabled = n === 0;
    diffBtn.disabled = n !== 2;
    tagBtn.disabled = n === 0;
    renameBtn.disabled = n !== 1;
    detailsBtn.disabled = n !== 1;
    deleteBtn.disabled = n === 0;
    replace(
      footer,
      h('span', { 'data-test': 'runs-count' }, `${rows.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} runs`),
      n ? h('span', null, `${n} selected`) : null,
      h('span.spacer'),
      rows.length < total ? moreBtn : null,
      h('span', null, 'Click, Ctrl-click, Shift-click or Space to select · Enter or double-click opens the spec · Del deletes'),
    );
  }

  function toggle(id: number): void {
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    renderBody();
  }

  function clickRow(i: number, e: MouseEvent): void {
    const id = rows[i]!.id;
    if (e.shiftKey && anchor !== null) {
      const a = rows.findIndex((r) => r.id === anchor);
      if (a >= 0) for (let k = Math.min(a, i); k <= Math.max(a, i); k++) selected.add(rows[k]!.id);
    } else if (e.ctrlKey || e.metaKey) {
      toggle(id);
      anchor = id;
      return;
    } else {
      selected.clear();
      selected.add(id);
    }
    anchor = id;
    focusIndex = i;
    renderBody();
  }

  function focusRow(i: number): void {
    focusIndex = Math.max(0, Math.min(rows.length - 1, i));
    const tr = tbody.children[focusIndex] as HTMLElement | undefined;
    for (const el of tbody.children) (el as HTMLElement).tabIndex = -1;
    if (tr) {
      tr.tabIndex = 0;
      tr.focus();
    }
  }

  table.addEventListener('keydown', (e) => {
    if (!(e.target instanceof HTMLTableRowElement)) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      focusRow(focusIndex + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === ' ') {
      e.preventDefault();
      const r = rows[focusIndex];
      if (r) toggle(r.id);
      focusRow(focusIndex);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const r = rows[focusIndex];
      if (r) void openSpec(r.id);
    } else if (e.key === 'Delete') {
      e.preventDefault();
      void remove();
    } else if (e.key === 'a' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      rows.forEach((r) => selected.add(r.id));
      renderBody();
      focusRow(focusIndex);
    }
  });

  async function loadExperiments(): Promise<void> {
    experiments = await ctx.api.listExperiments({});
    const current = experiment.value;
    replace(experiment, h('option', { value: '' }, 'all experiments'), experiments.map((x) => h('option', { value: x.name }, `${x.name} (${x.runs})`)));
    experiment.value = experiments.some((x) => x.name === current) ? current : '';
  }

  async function refresh(append = false): Promise<void> {
    const q = query();
    if (q === null) return;
    const my = ++seq;
    const page = await ctx.api.listRuns({ query: q, sort: prefs().runSort as never, limit: PAGE, offset: append ? rows.length : 0 });
    if (my !== seq) return;
    rows = append ? rows.concat(page.rows) : page.rows;
    total = page.total;
    const ids = new Set(rows.map((r) => r.id));
    for (const id of [...selected]) if (!ids.has(id)) selected.delete(id);
    focusIndex = Math.min(focusIndex, Math.max(0, rows.length - 1));
    renderBody();
  }

  /** Opens a run's stored spec in the editor, ready to change and run again. */
  async function openSpec(id: number): Promise<void> {
    try {
      const d = await ctx.api.getRun({ id });
      ctx.openDocument(`run-${id}.json`, JSON.stringify(d.spec, null, 2) + '\n');
    } catch (e) {
      ctx.fail(e);
    }
  }

  function selectedRuns(): RunSummary[] {
    return rows.filter((r) => selected.has(r.id));
  }

  async function remove(): Promise<void> {
    const runs = selectedRuns();
    if (runs.length === 0) return;
    const ok = await confirmDialog('Delete runs', `Delete ${runs.length} run${runs.length > 1 ? 's' : ''} and their results? This cannot be undone.`, 'Delete', true);
    if (!ok) return;
    const r = await ctx.api.deleteRuns({ ids: runs.map((x) => x.id) });
    toast(`Deleted ${r.deleted} run${r.deleted === 1 ? '' : 's'}${r.deleted < runs.length ? ' (running runs are kept)' : ''}.`);
    selected.clear();
    ctx.runsChanged();
  }

  compareBtn.addEventListener('click', () => {
    const runs = selectedRuns();
    if (runs.length === 0) return;
    const exps = [...new Set(runs.map((r) => r.experiment))];
    // The comparison is a query (experiment + parameter points), not a list of run ids, so
    // re-running the experiment refreshes it.
    const points = [...new Map(runs.map((r) => [JSON.stringify(r.point), r.point])).values()];
    const q: RunQuery = exps.length === 1 ? { experiment: exps[0]!, points } : { points };
    ctx.compare(q, `${exps.join(', ')} · ${points.length} configuration${points.length === 1 ? '' : 's'}`);
  });
  diffBtn.addEventListener('click', () => {
    // A is the run selected first, B the second (a Set keeps insertion order), not table order.
    const [a, b] = [...selected];
    if (a !== undefined && b !== undefined) ctx.diff(a, b);
  });
  tagBtn.addEventListener('click', async () => {
    const runs = selectedRuns();
    const t = await promptDialog('Tag runs', `Tag for ${runs.length} run${runs.length > 1 ? 's' : ''} (prefix with - to remove)`);
    if (!t) return;
    const remove = t.startsWith('-');
    const name = remove ? t.slice(1) : t;
    await ctx.api.tagRuns({ ids: runs.map((r) => r.id), add: remove ? [] : [name], remove: remove ? [name] : [] }).catch(ctx.fail);
    ctx.runsChanged();
  });
  renameBtn.addEventListener('click', async () => {
    const [r] = selectedRuns();
    if (!r) return;
    const name = await promptDialog('Rename run', `New name for run #${r.id}`, r.name);
    if (!name) return;
    await ctx.api.renameRun({ id: r.id, name }).catch(ctx.fail);
    ctx.runsChanged();
  });
  deleteBtn.addEventListener('click', () => void remove().catch(ctx.fail));
  detailsBtn.addEventListener('click', () => {
    const [r] = selectedRuns();
    if (r) void showRunDetails(ctx, r.id);
  });
  const exportRuns = (format: 'csv' | 'json'): void => {
    const ids = selectedRuns().map((r) => r.id);
    const q = query();
    if (q === null) return;
    void ctx.api
      .exportRuns({ format, ...(ids.length ? { ids } : { query: q }) })
      .then((f) => {
        saveExported(f);
        toast(`Exported ${ids.length || 'the shown'} run${ids.length === 1 ? '' : 's'} as ${f.fileName}.`);
      })
      .catch(ctx.fail);
  };
  exportCsv.addEventListener('click', () => exportRuns('csv'));
  exportJson.addEventListener('click', () => exportRuns('json'));
  moreBtn.addEventListener('click', () => void refresh(true).catch(ctx.fail));

  let filterTimer: number | undefined;
  const refilter = (): void => {
    window.clearTimeout(filterTimer);
    filterTimer = window.setTimeout(() => void refresh().catch(ctx.fail), 150);
  };
  for (const el of [search, tag, param]) el.addEventListener('input', refilter);
  for (const el of [experiment, status]) el.addEventListener('change', refilter);

  // Column chooser (persisted).
  const renderColumnsMenu = (): void => {
    replace(
      columnsMenu,
      h('summary.btn', { title: 'Choose columns' }, 'Columns'),
      h(
        'div.dialog',
        { style: 'position:absolute;right:0;top:30px;z-index:20;min-width:180px;padding:8px 12px' },
        COLUMNS.map((c) => {
          const box = h('input', { type: 'checkbox' });
          box.checked = prefs().runColumns.includes(c.key);
          box.addEventListener('change', () => {
            const set = new Set(prefs().runColumns);
            if (box.checked) set.add(c.key);
            else set.delete(c.key);
            setPref('runColumns', COLUMNS.map((x) => x.key).filter((k) => set.has(k)));
            renderBody();
          });
          return h('label.check', { style: 'display:flex;padding:2px 0' }, box, c.label);
        }),
      ),
    );
  };
  renderColumnsMenu();

  let refreshTimer: number | undefined;
  ctx.onRunsChanged(() => {
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(() => {
      void loadExperiments().then(() => refresh()).catch(ctx.fail);
    }, 250);
  });
  void loadExperiments().then(() => refresh()).catch(ctx.fail);

  return {
    element,
    refresh: () => refresh(),
    showJob(id, runIds, exp) {
      job = { id, runIds: [...runIds] };
      // The job's own experiment, and no other filter hiding some of its runs.
      search.value = '';
      tag.value = '';
      param.value = '';
      status.value = '';
      experiment.value = experiments.some((x) => x.name === exp) ? exp : '';
      selected.clear();
      renderJobChip();
      void refresh().catch(ctx.fail);
    },
    focus: () => focusRow(focusIndex),
  };
}
