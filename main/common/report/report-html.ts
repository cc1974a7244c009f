/**
 * A report as one self-contained HTML document: inline CSS, charts as inline SVG, no script and
 * nothing fetched. Title, the question, every cell's output (markdown, charts, tables with CI and
 * N), then an appendix of provenance: engine version, each experiment's script, every run's seed
 * and spec, configuration and result hashes, and each resolved cost profile with every value's
 * unit and source, overrides marked. The PDF is this document printed by Chromium's engine.
 */
import type { CellView, Provenance } from '../notebook/outputs';
import { outputNode } from './cells';
import { el, toMarkup, type VNode } from './vnode';

export interface ReportInput {
  title: string;
  question: string;
  /** Where it came from, e.g. `notebook "seed-000"`. */
  subject: string;
  cells: CellView[];
  provenance: Provenance;
}

const CSS = `
@page { size: A4; margin: 16mm 14mm 16mm 14mm; }
html { color: #16181d; background: #fff; font: 10.5pt/1.45 "DejaVu Sans", Verdana, Arial, sans-serif; }
body { margin: 0 auto; max-width: 182mm; padding: 0 4mm; }
h1 { font-size: 20pt; margin: 0 0 4pt; }
h2 { font-size: 14pt; margin: 18pt 0 6pt; border-bottom: 1px solid #c8ccd4; padding-bottom: 2pt; }
h3 { font-size: 11.5pt; margin: 12pt 0 4pt; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
th.param { white-space: nowrap; }
.question { font-size: 11.5pt; color: #333a45; margin: 0 0 6pt; }
.meta { color: #5a6170; font-size: 9pt; margin-bottom: 10pt; }
.cell { margin: 8pt 0; }
.chart, .table-block { break-inside: avoid; page-break-inside: avoid; }
svg.lab-chart { width: 100%; height: auto; color: #16181d; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 4pt 0 8pt; }
th, td { border: 1px solid #d5d9e0; padding: 2pt 4pt; vertical-align: top; }
th { background: #f1f3f6; text-align: left; font-weight: 600; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; }
td.num > span, .num-main { white-space: nowrap; }
.n { display: block; font-size: 7pt; }
.ci, .n, .unit { color: #5a6170; }
tr { break-inside: avoid; page-break-inside: avoid; }
code, pre, .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; }
pre { background: #f5f6f8; border: 1px solid #e0e3e8; padding: 4pt 6pt; white-space: pre-wrap; word-break: break-all; }
.experiment-summary { background: #f5f7fb; border-left: 3px solid #3b7ddd; padding: 4pt 8pt; }
.reproduced { color: #2b7a3d; font-size: 9pt; }
.empty { color: #8a5a00; font-style: italic; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; }
.override td { background: #fff4d6; font-weight: 600; }
.appendix { break-before: page; page-break-before: always; }
.appendix table { font-size: 7.5pt; }
.link .href { color: #5a6170; font-size: 8.5pt; }
`;

function pointText(p: Record<string, unknown>): string {
  const e = Object.entries(p);
  return e.length ? e.map(([k, v]) => `${k}=${String(v)}`).join(', ') : '—';
}

function provenanceNodes(p: Provenance): VNode[] {
  const short = (h: string): string => h.slice(0, 16);
  const out: VNode[] = [
    el('h2', null, 'Appendix: provenance'),
    el(
      'p',
      null,
      `Engine version ${p.engineVersion} (vIOMMU Lab ${p.appVersion}). Hashes are the first 16 hex digits of SHA-256: the configuration hash covers spec, seed, parameter point, replication, resolved profile and engine version; the result hash covers the canonical result JSON. A re-run on the same engine version reproduces each result hash.`,
    ),
    el('h3', null, 'Runs'),
    el(
      'table',
      { class: 'runs' },
      el('thead', null, el('tr', null, ['experiment', 'point', 'rep', 'seed', 'config hash', 'spec hash', 'result hash', 'profile'].map((t) => el('th', null, t)))),
      el(
        'tbody',
        null,
        p.runs.map((r) =>
          el(
            'tr',
            null,
            el('td', null, r.experiment),
            el('td', null, pointText(r.point)),
            el('td', { class: 'num' }, String(r.replication)),
            el('td', { class: 'num' }, String(r.seed)),
            el('td', { class: 'hash' }, short(r.configHash)),
            el('td', { class: 'hash' }, short(r.specHash)),
            el('td', { class: 'hash' }, short(r.resultHash)),
            el('td', null, r.profileKey),
          ),
        ),
      ),
    ),
  ];
  for (const prof of p.profiles) {
    const overrides = prof.params.filter((x) => x.from === 'override').length;
    out.push(
      el('h3', null, `Cost profile ${prof.key}: ${prof.id}`),
      el('p', null, `Resolved from ${prof.chain.join(' → ')}; ${prof.params.length} parameters${overrides ? `, ${overrides} overridden (marked)` : ', none overridden'}.`),
      el(
        'table',
        { class: 'profile' },
        el('thead', null, el('tr', null, ['parameter', 'value', 'unit', 'from', 'source'].map((t) => el('th', null, t)))),
        el(
          'tbody',
          null,
          prof.params.map((x) =>
            el(
              'tr',
              { class: x.from === 'override' ? 'override' : null },
              el('td', { class: 'mono' }, x.name),
              el('td', { class: 'num' }, String(x.value)),
              el('td', null, x.unit),
              el('td', null, x.from === 'override' ? 'override ✱' : x.from),
              el('td', null, x.source),
            ),
          ),
        ),
      ),
    );
  }
  for (const e of p.experiments) {
    out.push(el('h3', null, `Script of “${e.name}” (${e.file})`));
    if (e.description) out.push(el('p', null, e.description));
    out.push(el('pre', null, el('code', null, e.source)));
  }
  return out;
}

export function reportDocument(r: ReportInput): VNode {
  const body: VNode[] = [
    el('h1', null, r.title),
    r.question ? el('p', { class: 'question' }, r.question) : null,
    el('div', { class: 'meta' }, `${r.subject} · engine ${r.provenance.engineVersion} · ${r.provenance.runs.length} runs`),
  ].filter((n): n is VNode => n !== null);
  for (const v of r.cells) {
    const nodes = outputNode(v);
    if (nodes.length === 0) continue;
    const cls = v.cell.type === 'chart' ? 'cell chart' : v.cell.type === 'table' ? 'cell table-block' : 'cell';
    body.push(el('section', { class: cls, 'data-cell': v.cell.id, 'data-type': v.cell.type }, nodes));
  }
  body.push(el('section', { class: 'appendix' }, provenanceNodes(r.provenance)));
  return el(
    'html',
    { lang: 'en' },
    el('head', null, el('meta', { charset: 'utf-8' }), el('meta', { name: 'generator', content: `vIOMMU Lab ${r.provenance.appVersion}` }), el('title', null, r.title), el('style', null, CSS)),
    el('body', null, body),
  );
}

/** The report as HTML text (a doctype and one document; no script, no external reference). */
export function reportHtml(r: ReportInput): string {
  return '<!DOCTYPE html>\n' + toMarkup(reportDocument(r)) + '\n';
}
