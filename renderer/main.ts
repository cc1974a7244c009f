/**
 * The workbench's renderer: lays out the window (top bar with views, the scripts sidebar, the
 * active view, the jobs panel, a status bar), wires the views to the API client, and restores
 * the persisted layout and theme.
 */
import './styles.css';
import type { RunQuery } from '../main/common/api';
import { createCompareView } from './compare/compare-view';
import { errorText, type AppContext, type ViewName } from './context';
import { createDiffView } from './diff/diff-view';
import { createEditorView } from './editor/editor-view';
import { setupMonaco } from './editor/monaco';
import { createJobsPanel } from './jobs/jobs-panel';
import { createNotebookView } from './notebook/notebook-view';
import { createProfilesView } from './profiles/profiles-view';
import { bindKeys } from './keys';
import { createRunsView } from './runs/runs-view';
import { connect } from './services/client';
import { createSidebar } from './sidebar';
import { confirmDialog, toast } from './ui/dialog';
import { h, replace } from './ui/dom';
import { prefs, setPref } from './ui/persist';

const VIEWS: { name: ViewName; label: string }[] = [
  { name: 'editor', label: 'Editor' },
  { name: 'runs', label: 'Runs' },
  { name: 'compare', label: 'Compare' },
  { name: 'diff', label: 'Diff' },
  { name: 'notebook', label: 'Notebook' },
  { name: 'profiles', label: 'Profiles' },
];

function applyTheme(t: 'light' | 'dark'): void {
  document.documentElement.dataset.theme = t;
}

async function boot(): Promise<void> {
  applyTheme(prefs().theme);
  // Where the last session left off: opening a document below must not overwrite it.
  const startView = prefs().view;
  const root = document.getElementById('app')!;
  const api = connect();
  const info = await api.appInfo({});
  const monaco = setupMonaco(info.dsl);

  const runsListeners: (() => void)[] = [];
  const scriptListeners: (() => void)[] = [];
  const tabs = new Map<ViewName, HTMLButtonElement>();
  const sections = new Map<ViewName, HTMLElement>();

  const ctx: AppContext = {
    api,
    info,
    show(view) {
      for (const [name, el] of sections) el.classList.toggle('active', name === view);
      for (const [name, t] of tabs) t.setAttribute('aria-selected', String(name === view));
      setPref('view', view);
      if (view === 'editor') editor.layout();
      if (view === 'compare') compare.shown();
      if (view === 'profiles') profiles.shown();
    },
    openDocument: (file, source, savedAs) => {
      if (!editor.dirty()) return editor.open(file, source, savedAs);
      void confirmDialog('Unsaved changes', `“${editor.name()}” has unsaved changes. Open “${savedAs ?? file}” and discard them?`, 'Discard and open', true).then((ok) => {
        if (ok) editor.open(file, source, savedAs);
      });
    },
    compare(q: RunQuery, description: string) {
      compare.setQuery(q, description);
      setPref('compare', { query: q, description });
      ctx.show('compare');
    },
    diff(a, b) {
      diff.show(a, b);
      ctx.show('diff');
    },
    showJobRuns(jobId, runIds, experiment) {
      runs.showJob(jobId, runIds, experiment);
      ctx.show('runs');
    },
    runsChanged: () => runsListeners.forEach((l) => l()),
    onRunsChanged: (l) => runsListeners.push(l),
    scriptsChanged: () => scriptListeners.forEach((l) => l()),
    onScriptsChanged: (l) => scriptListeners.push(l),
    fail: (e) => toast(errorText(e), 'error'),
  };

  const editor = createEditorView(ctx, monaco);
  const runs = createRunsView(ctx);
  const compare = createCompareView(ctx);
  const diff = createDiffView(ctx);
  const notebook = createNotebookView(ctx, monaco);
  const profiles = createProfilesView(ctx);
  const jobs = createJobsPanel(ctx);
  const sidebar = createSidebar(ctx);
  sections.set('editor', editor.element).set('runs', runs.element).set('compare', compare.element).set('diff', diff.element).set('notebook', notebook.element).set('profiles', profiles.element);

  const themeBtn = h('button.btn.small', { type: 'button', title: 'Toggle light/dark (Ctrl+Shift+L)', 'data-test': 'theme' }, prefs().theme === 'dark' ? '☀ Light' : '☾ Dark');
  const toggleTheme = (): void => {
    const t = prefs().theme === 'dark' ? 'light' : 'dark';
    setPref('theme', t);
    applyTheme(t);
    editor.setTheme(t);
    themeBtn.textContent = t === 'dark' ? '☀ Light' : '☾ Dark';
    compare.redraw();
  };
  themeBtn.addEventListener('click', toggleTheme);

  const topbar = h(
    'header.topbar',
    null,
    h('div.brand', null, h('span.logo'), 'vIOMMU Lab'),
    h(
      'nav',
      { role: 'tablist', 'aria-label': 'Views', style: 'display:flex' },
      VIEWS.map((v, i) => {
        const t = h('button.tab', { type: 'button', role: 'tab', 'data-test': `tab-${v.name}`, 'aria-selected': 'false' }, v.label, h('kbd', null, `Ctrl+${i + 1}`));
        t.addEventListener('click', () => ctx.show(v.name));
        tabs.set(v.name, t);
        return t;
      }),
    ),
    h('span.spacer'),
    themeBtn,
  );

  const splitterV = h('div.splitter-v', { role: 'separator', 'aria-orientation': 'vertical', title: 'Drag to resize' });
  const content = h('div.content', null, editor.element, runs.element, compare.element, diff.element, notebook.element, profiles.element);
  const main = h('div.main', { style: `--sidebar-w:${prefs().sidebarWidth}px` }, sidebar, splitterV, content);
  jobs.element.style.height = `${prefs().jobsHeight}px`;
  const splitterH = h('div.splitter-h', { role: 'separator', 'aria-orientation': 'horizontal', title: 'Drag to resize' });
  const jobSummary = h('span', { 'data-test': 'status-jobs' }, 'idle');
  const statusbar = h(
    'footer.statusbar',
    null,
    h('span', null, `engine ${info.engineVersion}`),
    h('span.dim', null, `${info.workers} worker${info.workers === 1 ? '' : 's'}`),
    h('span.dim', { title: info.dbPath }, info.dbPath),
    h(
      'span.dim',
      { 'data-test': 'script-limit', title: 'How long a script may run while it is evaluated; the CLI takes --timeout MS' },
      `script limit ${info.scriptTimeoutMs / 1000} s here · CLI ${info.cliScriptTimeoutMs / 1000} s (--timeout)`,
    ),
    h('span.spacer'),
    jobSummary,
  );
  jobs.onSummary((t) => (jobSummary.textContent = t));
  replace(root, topbar, main, h('div', { style: 'display:flex;flex-direction:column;min-height:0' }, splitterH, jobs.element), statusbar);
  root.removeAttribute('aria-busy');

  dragResize(splitterV, 'x', () => sidebar.offsetWidth, (v) => {
    const w = Math.max(180, Math.min(520, v));
    main.style.setProperty('--sidebar-w', `${w}px`);
    return w;
  }, (w) => setPref('sidebarWidth', w));
  dragResize(splitterH, 'y', () => jobs.element.offsetHeight, (v) => {
    const hgt = Math.max(60, Math.min(window.innerHeight * 0.6, v));
    jobs.element.style.height = `${hgt}px`;
    return hgt;
  }, (hgt) => setPref('jobsHeight', hgt), -1);

  bindKeys({
    newScript: () => sidebar.querySelector<HTMLButtonElement>('.section-title .btn')?.click(),
    open: () => {
      sidebar.querySelector<HTMLElement>('.list-item')?.focus();
    },
    save: () => void editor.save(),
    run: () => void editor.run(),
    cancel: () => jobs.cancelNewest(),
    view: (n) => ctx.show(VIEWS[n - 1]!.name),
    toggleTheme,
  });

  ctx.show(startView);
  // Reopen the last script (a saved one, else the last example, else the first example), the
  // last comparison and the last notebook, then the view the last session ended on.
  const lastScript = prefs().lastScript;
  const saved = lastScript ? await api.loadScript({ name: lastScript }).catch(() => null) : null;
  if (saved) editor.open(saved.name, saved.source, saved.name, { show: false });
  else {
    const examples = await api.listExamples({});
    const first = examples.find((e) => e.file === prefs().lastFile) ?? examples[0];
    if (first) editor.open(first.file, first.source, undefined, { show: false });
  }
  const lastCompare = prefs().compare;
  if (lastCompare) compare.setQuery(lastCompare.query, lastCompare.description);
  await notebook.restore().catch(ctx.fail);
  ctx.show(startView);
  // Unsaved edits are never lost silently: the browser (or Electron) asks before leaving.
  window.addEventListener('beforeunload', (e) => {
    if (editor.dirty() || notebook.dirty()) {
      e.preventDefault();
      e.returnValue = '';
    }
  });
  document.body.dataset.ready = 'true';
}

function dragResize(handle: HTMLElement, axis: 'x' | 'y', start: () => number, apply: (v: number) => number, done: (v: number) => void, sign = 1): void {
  handle.addEventListener('pointerdown', (e) => {
    const origin = axis === 'x' ? e.clientX : e.clientY;
    const base = start();
    let last = base;
    handle.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent): void => {
      last = apply(base + sign * ((axis === 'x' ? ev.clientX : ev.clientY) - origin));
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener(
      'pointerup',
      () => {
        handle.removeEventListener('pointermove', move);
        done(last);
      },
      { once: true },
    );
  });
}

boot().catch((e: unknown) => {
  const root = document.getElementById('app');
  if (root) replace(root, h('div.placeholder', null, h('h3', null, 'The workbench could not start'), h('p', null, errorText(e))));
});
