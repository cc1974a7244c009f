/**
 * A notebook cell's output as a VNode tree — the one rendering the workbench's notebook view and
 * the reports share (markdown, the experiment's run summary, the SVG chart, the metric table,
 * quoted text).
 */
import type { CellView } from '../notebook/outputs';
import { markdown } from './markdown';
import { chartSvg } from './svg-chart';
import { metricTable } from './tables';
import { el, type VNode } from './vnode';

function titleOf(v: CellView): string {
  const c = v.cell;
  return c.type === 'chart' || c.type === 'table' ? c.title : '';
}

export function reproducedText(v: CellView): string | null {
  const r = v.state?.reproduced;
  if (!r) return null;
  return r.same === r.of
    ? `re-run on engine ${r.engineVersion}: all ${r.of} result hashes reproduced`
    : `re-run on engine ${r.engineVersion}: ${r.of - r.same} of ${r.of} result hashes differ from the previous run`;
}

export function outputNode(v: CellView): VNode[] {
  const o = v.output;
  const title = titleOf(v);
  const head = title ? [el('h3', { class: 'cell-title' }, title)] : [];
  switch (o.type) {
    case 'markdown':
      return v.cell.type === 'markdown' ? markdown(v.cell.source) : [];
    case 'text':
      return markdown(o.markdown);
    case 'experiment': {
      const seeds = [...new Set(o.runs.map((r) => r.seed))].sort((a, b) => a - b);
      const rep = reproducedText(v);
      return [
        el(
          'div',
          { class: 'experiment-summary' },
          el('strong', null, `Experiment “${o.experiment}”`),
          ` — ${o.runs.length} run${o.runs.length === 1 ? '' : 's'}, seed${seeds.length === 1 ? '' : 's'} ${seeds.join(', ')}`,
          rep ? el('div', { class: 'reproduced' }, rep) : null,
        ),
      ];
    }
    case 'chart': {
      const svg = chartSvg(o.data);
      return [...head, svg ?? el('p', { class: 'empty' }, 'No data for this metric in the selected runs.')];
    }
    case 'table':
      return [...head, el('div', { class: 'table-wrap' }, metricTable(o.compare))];
    case 'empty':
      return [...head, el('p', { class: 'empty' }, o.message)];
  }
}
