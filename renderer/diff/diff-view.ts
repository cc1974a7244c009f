/** The diff of two runs: spec differences and metric deltas, with a persisted "differences only" toggle. */
import type { DiffResult } from '../../main/common/api/types';
import type { AppContext } from '../context';
import { h, replace } from '../ui/dom';
import { fmtNumber, fmtValue } from '../ui/format';
import { prefs, setPref } from '../ui/persist';

export interface DiffView {
  element: HTMLElement;
  show(a: number, b: number): void;
}

export function createDiffView(ctx: AppContext): DiffView {
  const aInput = h('input.input', { type: 'number', min: 1, 'aria-label': 'Run A', style: 'width:90px', 'data-test': 'diff-a' });
  const bInput = h('input.input', { type: 'number', min: 1, 'aria-label': 'Run B', style: 'width:90px', 'data-test': 'diff-b' });
  const only = h('input', { type: 'checkbox', 'data-test': 'diff-only' });
  only.checked = prefs().diffOnlyDifferences;
  const go = h('button.btn', { type: 'button', 'data-test': 'diff-go' }, 'Diff');
  const summary = h('span', { 'data-test': 'diff-summary' });
  const host = h('div.table-wrap', { 'data-test': 'diff-table' }, h('div.placeholder', null, h('h3', null, 'No diff yet'), h('p', null, 'Select two runs in the Runs view and press Diff, or enter two run numbers above.')));
  const element = h(
    'section.view',
    { 'data-view': 'diff', 'aria-label': 'Diff' },
    h('div.toolbar', null, h('span.title', null, 'Diff'), h('label.inline-field', null, 'A #', aInput), h('label.inline-field', null, 'B #', bInput), go, h('label.check', null, only, 'Differences only'), h('span.spacer'), summary),
    host,
  );
  let current: DiffResult | null = null;

  function render(): void {
    const d = current;
    if (!d) return;
    const onlyDiff = only.checked;
    const spec = d.spec.filter((e) => !onlyDiff || !e.same);
    const metrics = d.metrics.filter((m) => !onlyDiff || !m.same);
    const changedSpec = d.spec.filter((e) => !e.same).length;
    const changedMetrics = d.metrics.filter((m) => !m.same).length;
    summary.textContent = `${changedSpec} spec field${changedSpec === 1 ? '' : 's'} and ${changedMetrics} metric${changedMetrics === 1 ? '' : 's'} differ`;
    const head = (label: string): HTMLElement => h('tr', null, h('th', { colspan: 5, style: 'background:var(--bg3)' }, label));
    replace(
      host,
      h(
        'table.grid.diff',
        { 'aria-label': 'Differences' },
        // Fixed column shares: long values wrap inside A and B, so Δ and Δ % stay in view at any width.
        h('colgroup', null, h('col', { style: 'width:26%' }), h('col', { style: 'width:30%' }), h('col', { style: 'width:30%' }), h('col', { style: 'width:7%' }), h('col', { style: 'width:7%' })),
        h('thead', null, h('tr', null, h('th', null, 'Field'), h('th', null, `A · #${d.a.id} ${d.a.name}`), h('th', null, `B · #${d.b.id} ${d.b.name}`), h('th.num', null, 'Δ'), h('th.num', null, 'Δ %'))),
        h(
          'tbody',
          null,
          head(`Spec (${spec.length} of ${d.spec.length} fields)`),
          spec.map((e) => h('tr', { class: e.same ? 'same' : null, 'data-test': 'diff-spec-row' }, h('td.mono', null, e.path || '(root)'), h('td.mono', null, fmtValue(e.a)), h('td.mono', null, fmtValue(e.b)), h('td'), h('td'))),
          head(`Metrics (${metrics.length} of ${d.metrics.length})`),
          metrics.map((m) =>
            h(
              'tr',
              { class: m.same ? 'same' : null, 'data-test': 'diff-metric-row' },
              h('td.mono', { title: m.unit }, m.name + (m.unit ? ` (${m.unit})` : '')),
              h('td.num', null, fmtNumber(m.a)),
              h('td.num', null, fmtNumber(m.b)),
              h('td.num', null, m.delta === null ? '—' : (m.delta > 0 ? '+' : '') + fmtNumber(m.delta)),
              h('td.num', null, m.relative === null ? '—' : `${m.relative > 0 ? '+' : ''}${(m.relative * 100).toFixed(1)} %`),
            ),
          ),
        ),
      ),
    );
  }

  async function load(a: number, b: number): Promise<void> {
    aInput.value = String(a);
    bInput.value = String(b);
    try {
      current = await ctx.api.diffRuns({ a, b });
    } catch (e) {
      // A failed lookup never leaves the previous diff on screen as if it were this one.
      current = null;
      summary.textContent = '';
      replace(host, h('div.placeholder', { 'data-test': 'diff-error' }, h('h3', null, `No diff of #${a} and #${b}`), h('p', null, e instanceof Error ? e.message : String(e))));
      throw e;
    }
    render();
  }

  only.addEventListener('change', () => {
    setPref('diffOnlyDifferences', only.checked);
    render();
  });
  go.addEventListener('click', () => {
    const a = Number(aInput.value);
    const b = Number(bInput.value);
    if (a > 0 && b > 0) void load(a, b).catch(ctx.fail);
  });

  return { element, show: (a, b) => void load(a, b).catch(ctx.fail) };
}
