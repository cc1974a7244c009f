/**
 * Metric tables as VNode trees: one row per configuration (its parameter values), one column per
 * metric with its unit in the header and its meaning as the header's tooltip; each value is the
 * mean ± 95 % CI half-width with N. Used by notebook cells, reports and the PDF alike.
 */
import type { CompareResult } from '../api/types';
import { fmtNumber } from './format';
import { el, type VNode } from './vnode';

export function metricTable(r: CompareResult): VNode {
  const params = r.params;
  const head = el(
    'tr',
    null,
    params.length ? params.map((p) => el('th', { class: 'param' }, p)) : el('th', null, 'configuration'),
    r.metrics.map((m) => el('th', { class: 'num', title: m.doc || null }, m.name, m.unit ? el('span', { class: 'unit' }, ` (${m.unit})`) : null)),
  );
  const rows = r.groups.map((g, gi) =>
    el(
      'tr',
      null,
      params.length ? params.map((p) => el('td', { class: 'param' }, g.point[p] === undefined ? '—' : String(g.point[p]))) : el('td', null, g.label || g.experiment),
      r.metrics.map((m) => {
        const s = m.stats[gi] ?? null;
        if (s === null) return el('td', { class: 'num' }, '—');
        return el('td', { class: 'num' }, el('span', { class: 'num-main' }, fmtNumber(s.mean)), s.ci95 !== null ? el('span', { class: 'ci' }, ` ± ${fmtNumber(s.ci95, 3)}`) : null, el('span', { class: 'n' }, ` N=${s.n}`));
      }),
    ),
  );
  return el('table', { class: 'metric-table', 'data-rows': r.groups.length }, el('thead', null, head), el('tbody', null, rows));
}
