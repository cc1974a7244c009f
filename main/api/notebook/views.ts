/**
 * Computes what each cell of a notebook shows from the store: an experiment cell's runs (by
 * the configuration hashes it last produced), a chart or table cell's comparison of those runs
 * (filtered by its parameters), a text cell's quoted values. Read-only: nothing is run.
 */
import type { CompareResult, RunQuery } from '../../common/api';
import { fmtStat } from '../../common/report/format';
import type { CellOutput, CellView, ExperimentRunInfo } from '../../common/notebook/outputs';
import type { Cell, Notebook } from '../../common/notebook/schema';
import { cellStatuses } from '../../common/notebook/stale';
import * as q from '../../store/run-queries';
import type { NotebookBackend } from './backend';
import { resultHash } from './hashes';

/** The runs query of a cell reading experiment cell `input`, or a sentence saying why there is none. */
export function inputQuery(nb: Notebook, input: string, filter: Record<string, string | number | boolean> = {}): RunQuery | string {
  const st = nb.state[input];
  if (st?.experiment === undefined || st.results === undefined) return `run the experiment cell "${input}" first`;
  return { experiment: st.experiment, configs: st.results.map((r) => r.configHash), ...(Object.keys(filter).length ? { params: filter } : {}) };
}

export function experimentRuns(b: NotebookBackend, nb: Notebook, cellId: string): ExperimentRunInfo[] {
  const st = nb.state[cellId];
  if (st?.experiment === undefined || st.results === undefined) return [];
  const runs = q.allRuns(b.store, { experiment: st.experiment, status: 'done', configs: st.results.map((r) => r.configHash) });
  return runs.map((r) => ({ id: r.id, point: r.point as ExperimentRunInfo['point'], replication: r.replication, seed: r.seed, configHash: r.configHash, resultHash: resultHash(b.store, r.id) ?? '' }));
}

/** Metric names matching the patterns (exact, or `prefix.*`), in pattern order. */
export function expandMetrics(patterns: readonly string[], available: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    const hits = p.endsWith('.*') ? available.filter((n) => n.startsWith(p.slice(0, -1))) : available.includes(p) ? [p] : [];
    for (const h of hits) if (!out.includes(h)) out.push(h);
  }
  return out;
}

const QUOTE = /\{\{\s*([^}|]+?)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;

function parseFilter(text: string | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const part of (text ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const v = part.slice(eq + 1).trim();
    out[part.slice(0, eq).trim()] = v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

function matches(point: Record<string, unknown>, f: Record<string, string | number>): boolean {
  return Object.entries(f).every(([k, v]) => String(point[k]) === String(v));
}

/** Replaces each `{{metric | k=v, ...}}` with the configuration's mean ± CI (N), or a bracketed reason. */
export function quoteValues(source: string, r: CompareResult): string {
  return source.replace(QUOTE, (_all, metric: string, filterText: string | undefined) => {
    const f = parseFilter(filterText);
    const m = r.metrics.find((x) => x.name === metric);
    if (!m) return `[no metric ${metric}]`;
    const hits = r.groups.map((g, i) => ({ g, i })).filter(({ g }) => matches(g.point, f));
    if (hits.length === 0) return `[no configuration with ${filterText ?? ''}]`;
    if (hits.length > 1) return `[${hits.length} configurations match: add | ${r.params.map((p) => `${p}=…`).join(', ')}]`;
    return fmtStat(m.stats[hits[0]!.i] ?? null, m.unit);
  });
}

async function outputOf(b: NotebookBackend, nb: Notebook, cell: Cell): Promise<CellOutput> {
  switch (cell.type) {
    case 'markdown':
      return { type: 'markdown' };
    case 'experiment': {
      const st = nb.state[cell.id];
      if (st?.experiment === undefined) return { type: 'empty', message: st?.error ?? 'not run yet: press Run (or Run all)' };
      const runs = experimentRuns(b, nb, cell.id);
      const exp = q.listExperiments(b.store).find((e) => e.name === st.experiment);
      return { type: 'experiment', experiment: st.experiment, description: exp?.description ?? null, runs };
    }
    case 'chart': {
      const query = inputQuery(nb, cell.input, cell.filter);
      if (typeof query === 'string') return { type: 'empty', message: query };
      if (cell.kind === 'bar' || cell.kind === 'line') {
        const compare = await b.queries.compare({ query, metrics: [cell.metric] });
        if (compare.groups.length === 0) return { type: 'empty', message: 'no finished runs match this chart' };
        return { type: 'chart', data: { kind: cell.kind, metric: cell.metric, x: cell.x, log: cell.log, compare } };
      }
      if (cell.kind === 'cdf') return { type: 'chart', data: { kind: 'cdf', metric: cell.metric, log: cell.log, distribution: await b.queries.distribution({ query, metric: cell.metric }) } };
      return { type: 'chart', data: { kind: 'series', metric: cell.metric, log: cell.log, series: await b.queries.series({ query, metric: cell.metric }) } };
    }
    case 'table': {
      const query = inputQuery(nb, cell.input, cell.filter);
      if (typeof query === 'string') return { type: 'empty', message: query };
      const all = await b.queries.compare({ query });
      if (all.groups.length === 0) return { type: 'empty', message: 'no finished runs match this table' };
      const names = expandMetrics(cell.metrics, all.metrics.map((m) => m.name));
      if (names.length === 0) return { type: 'empty', message: `none of ${cell.metrics.join(', ')} is a metric of these runs` };
      return { type: 'table', compare: { ...all, metrics: names.map((n) => all.metrics.find((m) => m.name === n)!) } };
    }
    case 'text': {
      const query = inputQuery(nb, cell.input);
      if (typeof query === 'string') return { type: 'text', markdown: cell.source.replace(QUOTE, `[${query}]`) };
      return { type: 'text', markdown: quoteValues(cell.source, await b.queries.compare({ query })) };
    }
  }
}

export async function cellViews(b: NotebookBackend, nb: Notebook): Promise<CellView[]> {
  const status = cellStatuses(nb);
  const out: CellView[] = [];
  for (const cell of nb.cells) {
    let output: CellOutput;
    try {
      output = await outputOf(b, nb, cell);
    } catch (e) {
      output = { type: 'empty', message: e instanceof Error ? e.message : String(e) };
    }
    out.push({ cell, status: status.get(cell.id)!, state: nb.state[cell.id] ?? null, output });
  }
  return out;
}
