/**
 * The editor view: Monaco with the open script, a toolbar (Check, Save, Run), live checking
 * through the API (errors as markers over their exact span, and a Problems list to jump to them).
 * The status and the Problems list count every error marker on the document — the checker's and
 * Monaco's own TypeScript diagnostics alike — so no squiggle sits under "✓ valid".
 */
import type { Diagnostic } from '../../main/common/api/types';
import type { AppContext } from '../context';
import { promptDialog, toast } from '../ui/dialog';
import { h, replace } from '../ui/dom';
import { prefs, setPref } from '../ui/persist';
import type { Monaco } from './monaco';

const OWNER = 'viommu-lab';

export interface EditorView {
  element: HTMLElement;
  /** Opens a document; `show: false` keeps the current view (restoring the last script at start). */
  open(file: string, source: string, savedAs?: string, opts?: { show?: boolean }): void;
  /** True when the open document has edits that are not saved. */
  dirty(): boolean;
  /** The open document's name. */
  name(): string;
  run(): Promise<void>;
  save(): Promise<void>;
  setTheme(theme: 'light' | 'dark'): void;
  layout(): void;
  focus(): void;
}

export function createEditorView(ctx: AppContext, monaco: Monaco): EditorView {
  const title = h('span.title', { 'data-test': 'doc-title' }, 'untitled.json');
  const lang = h('span.lang', null, 'json');
  const status = h('span', { 'data-test': 'check-status', 'aria-live': 'polite' }, '');
  const runBtn = h('button.btn.primary', { type: 'button', title: 'Run (Ctrl+Enter)', 'data-test': 'run' }, '▶ Run');
  const saveBtn = h('button.btn', { type: 'button', title: 'Save (Ctrl+S)', 'data-test': 'save' }, 'Save');
  const checkBtn = h('button.btn', { type: 'button', title: 'Check the script now' }, 'Check');
  const host = h('div.editor-host', { 'data-test': 'editor' });
  const problemsList = h('div');
  const problemsCount = h('span', null, 'no problems');
  const problems = h('div.problems', { 'data-test': 'problems', style: `height:${prefs().problemsHeight}px` }, h('div.problems-head', null, h('span', null, 'Problems'), problemsCount), problemsList);
  const splitter = h('div.splitter-h', { role: 'separator', 'aria-orientation': 'horizontal', title: 'Drag to resize' });
  const element = h(
    'section.view',
    { 'data-view': 'editor', 'aria-label': 'Editor' },
    h('div.toolbar', null, title, lang, h('span.spacer'), status, checkBtn, saveBtn, runBtn),
    host,
    splitter,
    problems,
  );

  let file = 'untitled.json';
  let savedAs: string | undefined;
  /** The text as opened or last saved: anything else is an unsaved edit, marked in the title. */
  let baseline = '';
  let checkTimer: number | undefined;
  let checkSeq = 0;
  /** The checker's last answer for the open text (null while checking or before the first). */
  let checked: { ok: boolean; runs: number; diagnostics: Diagnostic[]; prefix?: string } | null = null;

  const editor = monaco.editor.create(host, {
    value: '',
    language: 'json',
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 13,
    fontFamily: "'DejaVu Sans Mono', 'JetBrains Mono', Menlo, Consolas, monospace",
    scrollBeyondLastLine: false,
    tabSize: 2,
    renderWhitespace: 'selection',
    fixedOverflowWidgets: true,
    theme: prefs().theme === 'dark' ? 'lab-dark' : 'lab-light',
  });

  /** Where a marker ends: the diagnostic's own end, else the word at its start (never the rest of the line). */
  function endOf(d: Diagnostic): { line: number; column: number } {
    if (d.endLine !== undefined && d.endColumn !== undefined && (d.endLine > d.line || (d.endLine === d.line && d.endColumn > d.column))) return { line: d.endLine, column: d.endColumn };
    const model = editor.getModel();
    const word = model && d.line <= model.getLineCount() ? model.getWordAtPosition({ lineNumber: d.line, column: d.column }) : null;
    return { line: d.line, column: word && word.startColumn === d.column ? word.endColumn : d.column + 1 };
  }

  function showDiagnostics(diags: Diagnostic[]): void {
    const model = editor.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      OWNER,
      diags.map((d) => {
        const end = endOf(d);
        return {
          severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
          message: d.message,
          source: d.kind,
          startLineNumber: d.line,
          startColumn: d.column,
          endLineNumber: end.line,
          endColumn: end.column,
        };
      }),
    );
    renderProblems();
  }

  /** Monaco's own error markers (its TypeScript service) on the open document, as diagnostics. */
  function editorDiagnostics(): Diagnostic[] {
    const model = editor.getModel();
    if (!model) return [];
    return monaco.editor
      .getModelMarkers({ resource: model.uri })
      .filter((m) => m.owner !== OWNER && m.severity === monaco.MarkerSeverity.Error)
      .map((m) => ({ severity: 'error', kind: 'type', line: m.startLineNumber, column: m.startColumn, endLine: m.endLineNumber, endColumn: m.endColumn, message: m.message }));
  }

  /** The Problems list and the status: every error marker on the document, ours and Monaco's. */
  function renderProblems(): void {
    const ours = checked?.diagnostics ?? [];
    const seen = new Set(ours.map((d) => `${d.line}:${d.column}:${d.message}`));
    const theirs = editorDiagnostics().filter((d) => !seen.has(`${d.line}:${d.column}:${d.message}`));
    const diags = [...ours, ...theirs].sort((a, b) => a.line - b.line || a.column - b.column);
    problemsCount.textContent = diags.length === 0 ? 'no problems' : `${diags.length} problem${diags.length > 1 ? 's' : ''}`;
    if (checked !== null) {
      const n = diags.length;
      const problems = `${n} problem${n === 1 ? '' : 's'}`;
      status.className = n === 0 ? 'status-ok' : 'status-err';
      if (!checked.ok) status.textContent = `✗ ${checked.prefix ?? ''}${problems}`;
      else if (n === 0) status.textContent = `✓ valid · ${checked.runs} run${checked.runs === 1 ? '' : 's'}`;
      else status.textContent = `✗ ${problems} (type check) · would run ${checked.runs}`;
    }
    replace(
      problemsList,
      diags.map((d) => {
        const row = h('div.problem', { tabindex: 0, 'data-test': 'problem' }, h('span.sev', null, '●'), h('span.loc', null, `${file}:${d.line}:${d.column}`), h('span', null, `${d.kind}: ${d.message}`));
        const jump = (): void => {
          editor.setPosition({ lineNumber: d.line, column: d.column });
          editor.revealLineInCenter(d.line);
          editor.focus();
        };
        row.addEventListener('click', jump);
        row.addEventListener('keydown', (e) => e.key === 'Enter' && jump());
        return row;
      }),
    );
  }

  async function check(): Promise<boolean> {
    const seq = ++checkSeq;
    const source = editor.getValue();
    try {
      const r = await ctx.api.checkScript({ file, source });
      if (seq !== checkSeq) return r.ok;
      checked = { ok: r.ok, runs: r.runs, diagnostics: r.diagnostics };
      showDiagnostics(r.diagnostics);
      return r.ok;
    } catch (e) {
      ctx.fail(e);
      return false;
    }
  }

  function scheduleCheck(): void {
    window.clearTimeout(checkTimer);
    checked = null;
    status.className = '';
    status.textContent = 'checking…';
    checkTimer = window.setTimeout(() => void check(), 350);
  }

  const isDirty = (): boolean => editor.getValue() !== baseline;
  function showTitle(): void {
    const d = isDirty();
    title.textContent = `${d ? '● ' : ''}${savedAs ?? file}`;
    title.title = d ? 'unsaved changes (Ctrl+S saves)' : '';
    element.dataset.dirty = String(d);
  }

  // Monaco's TypeScript service marks the document on its own schedule: recount when it does.
  monaco.editor.onDidChangeMarkers((uris) => {
    const uri = editor.getModel()?.uri.toString();
    if (uri !== undefined && uris.some((u) => u.toString() === uri)) renderProblems();
  });

  editor.onDidChangeModelContent(() => {
    showTitle();
    scheduleCheck();
  });

  function open(f: string, source: string, saved?: string, opts: { show?: boolean } = {}): void {
    file = f;
    savedAs = saved;
    baseline = source;
    const language = f.endsWith('.ts') ? 'typescript' : 'json';
    lang.textContent = f.endsWith('.ts') ? 'ts' : 'json';
    const old = editor.getModel();
    const uri = monaco.Uri.parse(`file:///scripts/${Date.now()}/${encodeURIComponent(f)}`);
    editor.setModel(monaco.editor.createModel(source, language, uri));
    // Markers live in Monaco's marker service, keyed by URI: drop the closed document's.
    if (old) monaco.editor.setModelMarkers(old, OWNER, []);
    old?.dispose();
    setPref('lastFile', f);
    setPref('lastScript', saved ?? null);
    showTitle();
    scheduleCheck();
    if (opts.show !== false) {
      ctx.show('editor');
      editor.focus();
    }
  }

  async function run(): Promise<void> {
    window.clearTimeout(checkTimer);
    runBtn.disabled = true;
    try {
      const r = await ctx.api.start({ file, source: editor.getValue() });
      if (!r.ok) {
        checked = { ok: false, runs: 0, diagnostics: r.diagnostics, prefix: 'not started: ' };
        showDiagnostics(r.diagnostics);
        toast('The script has problems; nothing was run.', 'error');
        return;
      }
      checked = { ok: true, runs: r.total, diagnostics: [] };
      showDiagnostics([]);
      toast(`Started ${r.total} run${r.total === 1 ? '' : 's'} (job ${r.jobId}).`);
    } catch (e) {
      ctx.fail(e);
    } finally {
      runBtn.disabled = false;
    }
  }

  async function save(): Promise<void> {
    let name = savedAs;
    if (!name) {
      const suggested = file.startsWith('untitled') ? '' : file;
      const answer = await promptDialog('Save script', 'Name (ends in .json or .ts)', suggested);
      if (!answer) return;
      name = /\.(json|ts)$/.test(answer) ? answer : `${answer}${file.endsWith('.ts') ? '.ts' : '.json'}`;
    }
    try {
      const source = editor.getValue();
      await ctx.api.saveScript({ name, source });
      const languageChanged = name.endsWith('.ts') !== file.endsWith('.ts');
      savedAs = name;
      file = name;
      baseline = source;
      setPref('lastScript', name);
      showTitle();
      // Saved under the other language's extension: reopen so the editor checks it as that language.
      if (languageChanged) open(name, source, name);
      toast(`Saved “${name}”.`);
      ctx.scriptsChanged();
    } catch (e) {
      ctx.fail(e);
    }
  }

  runBtn.addEventListener('click', () => void run());
  saveBtn.addEventListener('click', () => void save());
  checkBtn.addEventListener('click', () => void check());

  // Ctrl+Enter and Ctrl+S inside the editor (Monaco would otherwise keep them).
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => void run());
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => void save());

  splitter.addEventListener('pointerdown', (e) => {
    const startY = e.clientY;
    const startH = problems.offsetHeight;
    splitter.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent): void => {
      const hgt = Math.max(40, Math.min(500, startH - (ev.clientY - startY)));
      problems.style.height = `${hgt}px`;
    };
    splitter.addEventListener('pointermove', move);
    splitter.addEventListener('pointerup', () => {
      splitter.removeEventListener('pointermove', move);
      setPref('problemsHeight', problems.offsetHeight);
    }, { once: true });
  });

  function markersOf(owner: string | undefined): { line: number; column: number; endLine: number; endColumn: number; message: string; owner: string }[] {
    const model = editor.getModel();
    if (!model) return [];
    return monaco.editor.getModelMarkers({ owner, resource: model.uri }).map((m) => ({ line: m.startLineNumber, column: m.startColumn, endLine: m.endLineNumber, endColumn: m.endColumn, message: m.message, owner: m.owner }));
  }

  // Test hook and console access: read-only facts about the editor state.
  (window as unknown as { __labEditor: unknown }).__labEditor = {
    value: () => editor.getValue(),
    // The checker's markers on the open document; allMarkers: whoever set them (Monaco's TypeScript service too).
    markers: () => markersOf(OWNER),
    allMarkers: () => markersOf(undefined),
    /** Replaces the whole text in one edit, as a paste would (tests). */
    replaceAll: (text: string) => {
      const model = editor.getModel();
      if (model) editor.executeEdits('paste', [{ range: model.getFullModelRange(), text }]);
    },
  };

  return {
    element,
    open,
    dirty: isDirty,
    name: () => savedAs ?? file,
    run,
    save,
    setTheme: (t) => monaco.editor.setTheme(t === 'dark' ? 'lab-dark' : 'lab-light'),
    layout: () => editor.layout(),
    focus: () => editor.focus(),
  };
}
