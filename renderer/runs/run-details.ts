/**
 * A run's provenance panel: what identifies it (engine version, configuration, spec and result
 * hashes, seed, point, replication), the spec, the script its experiment ran from, and the
 * resolved cost profile with every value's unit, source and origin, overrides marked.
 */
import type { RunDetail } from '../../main/common/api';
import type { ResolvedProfile } from '../../main/common/profile/profile';
import type { AppContext } from '../context';
import { h } from '../ui/dom';
import { fmtPoint } from '../ui/format';

function profileTable(p: ResolvedProfile): HTMLElement {
  const rows = Object.entries(p.params ?? {});
  return h(
    'table.grid.compact',
    { 'data-test': 'details-profile', 'aria-label': 'Resolved cost profile' },
    h('thead', null, h('tr', null, ['parameter', 'value', 'unit', 'from', 'source'].map((t) => h('th', null, t)))),
    h(
      'tbody',
      null,
      rows.map(([name, v]) =>
        h('tr', { class: v.from === 'override' ? 'override' : null, 'data-override': v.from === 'override' ? 'true' : null }, h('td.mono', null, name), h('td.num', null, String(v.value)), h('td', null, v.unit), h('td', null, v.from === 'override' ? 'override ✱' : v.from), h('td', null, v.source)),
      ),
    ),
  );
}

export async function showRunDetails(ctx: AppContext, id: number): Promise<void> {
  let d: RunDetail;
  try {
    d = await ctx.api.getRun({ id });
  } catch (e) {
    ctx.fail(e);
    return;
  }
  const p = d.profile as ResolvedProfile;
  const facts: [string, string][] = [
    ['experiment', d.run.experiment],
    ['point', fmtPoint(d.run.point)],
    ['replication', String(d.run.replication)],
    ['seed', String(d.run.seed)],
    ['engine version', d.provenance.engineVersion],
    ['configuration hash', d.provenance.configHash],
    ['spec hash', d.provenance.specHash],
    ['result hash', d.provenance.resultHash ?? '— (no result)'],
    ['profile', `${p.id} (${(p.chain ?? []).join(' → ')})`],
  ];
  const overrides = Object.values(p.params ?? {}).filter((v) => v.from === 'override').length;
  const close = h('button.btn', { type: 'button', 'data-test': 'details-close' }, 'Close');
  const box = h(
    'div.dialog.wide',
    { role: 'dialog', 'aria-modal': 'true', 'aria-label': `Run #${id}`, 'data-test': 'run-details' },
    h('h2', null, `Run #${id}: ${d.run.name}`),
    h('table.facts', null, h('tbody', null, facts.map(([k, v]) => h('tr', null, h('th', null, k), h('td.mono', { 'data-test': `fact-${k.replace(/\s+/g, '-')}` }, v))))),
    h('details', { open: true }, h('summary', null, `Resolved cost profile — ${Object.keys(p.params ?? {}).length} parameters, ${overrides} overridden`), profileTable(p)),
    h('details', null, h('summary', null, 'Spec'), h('pre.code', { 'data-test': 'details-spec' }, JSON.stringify(d.spec, null, 2))),
    h('details', null, h('summary', null, 'Script source'), h('pre.code', { 'data-test': 'details-source' }, d.provenance.source ?? '(no script stored with this experiment)')),
    h('div.dialog-buttons', null, close),
  );
  const backdrop = h('div.backdrop', null, box);
  const done = (): void => backdrop.remove();
  close.addEventListener('click', done);
  backdrop.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') done();
  });
  document.body.append(backdrop);
  close.focus({ preventScroll: true });
  box.scrollTop = 0;
}
