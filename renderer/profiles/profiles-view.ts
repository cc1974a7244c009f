/** The profile browser: every cost profile, each parameter with value, unit, meaning, source and the profile in the chain that set it. */
import type { ProfileInfo } from '../../main/common/api';
import type { AppContext } from '../context';
import { h, replace } from '../ui/dom';

export interface ProfilesView {
  element: HTMLElement;
  shown(): void;
}

export function createProfilesView(ctx: AppContext): ProfilesView {
  const picker = h('select.input', { 'aria-label': 'Profile', 'data-test': 'profile-picker' });
  const filter = h('input.input', { type: 'search', placeholder: 'filter parameters, units, sources…', 'aria-label': 'Filter', 'data-test': 'profile-filter', style: 'width:260px' });
  const info = h('div.query-text', { 'data-test': 'profile-info' });
  const tbody = h('tbody');
  const count = h('span.dim', { 'data-test': 'profile-count' });
  const element = h(
    'section.view',
    { 'data-view': 'profiles', 'aria-label': 'Profiles' },
    h('div.toolbar', null, h('span.title', null, 'Cost profiles'), picker, filter, h('span.spacer'), count),
    info,
    h(
      'div.table-wrap',
      null,
      h('table.grid', { 'data-test': 'profile-table', 'aria-label': 'Cost parameters' }, h('thead', null, h('tr', null, ['parameter', 'value', 'unit', 'meaning', 'source', 'set by'].map((t) => h('th', null, t)))), tbody),
    ),
  );
  let profiles: ProfileInfo[] = [];

  function render(): void {
    const p = profiles.find((x) => x.id === picker.value) ?? profiles[0];
    if (!p) return;
    info.textContent = `${p.id}: ${p.description} · chain ${p.chain.join(' → ')}`;
    const f = filter.value.trim().toLowerCase();
    const rows = p.params.filter((x) => !f || [x.name, x.unit, x.doc, x.source, x.from].some((t) => t.toLowerCase().includes(f)));
    count.textContent = `${rows.length} of ${p.params.length} parameters`;
    replace(
      tbody,
      rows.map((x) =>
        h(
          'tr',
          { 'data-param': x.name, class: x.source.startsWith('estimate') ? 'estimate' : null },
          h('td.mono', null, x.name),
          h('td.num', null, x.value.toLocaleString('en-US', { maximumFractionDigits: 6 })),
          h('td', null, x.unit),
          h('td', null, x.doc),
          h('td', null, x.source),
          h('td', null, x.from),
        ),
      ),
    );
  }

  let loaded = false;
  async function load(): Promise<void> {
    profiles = await ctx.api.listProfiles({});
    replace(picker, profiles.map((p) => h('option', { value: p.id }, p.id)));
    loaded = true;
    render();
  }
  picker.addEventListener('change', render);
  filter.addEventListener('input', render);
  return {
    element,
    shown() {
      if (!loaded) void load().catch(ctx.fail);
    },
  };
}
