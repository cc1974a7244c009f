/**
 * The portable notebook file: the notebook (cells with their scripts, recorded state and
 * execution counter), the experiments' descriptions and sources, and optionally every run its
 * experiment cells produced (spec, resolved profile, full result), so that imported into another
 * store — with no network and no engine run — it opens with its charts and tables.
 */
import { canonicalJson, type RunResult } from '../../common/result';
import { NOTEBOOK_FORMAT, NOTEBOOK_VERSION, NotebookError, parseNotebookFile, type FileRun, type Notebook, type NotebookFile } from '../../common/notebook/schema';
import * as q from '../../store/run-queries';
import type { LabStore } from '../../store/store';

export function notebookFile(store: LabStore, nb: Notebook, withRuns: boolean): NotebookFile {
  const experiments: NotebookFile['experiments'] = {};
  const runs: FileRun[] = [];
  const known = new Map(q.listExperiments(store).map((e) => [e.name, e]));
  const sources = store.db.prepare(`SELECT source FROM experiments WHERE name = ?`);
  for (const cell of nb.cells) {
    const st = nb.state[cell.id];
    if (cell.type !== 'experiment' || st?.experiment === undefined || st.results === undefined) continue;
    const e = known.get(st.experiment);
    experiments[st.experiment] = { description: e?.description ?? null, source: (sources.get(st.experiment) as { source: string | null } | undefined)?.source ?? cell.source };
    if (!withRuns) continue;
    for (const r of q.allRuns(store, { experiment: st.experiment, status: 'done', configs: st.results.map((x) => x.configHash) })) {
      const stored = store.getSpec(r.id)!;
      const result = store.getResult(r.id)!;
      runs.push({
        experiment: r.experiment,
        name: r.name,
        status: 'done',
        configHash: r.configHash,
        seed: r.seed,
        engineVersion: r.engineVersion,
        point: r.point as FileRun['point'],
        replication: r.replication,
        tags: r.tags,
        wallMs: r.wallMs,
        spec: stored.spec,
        profile: stored.profile,
        // NaN scalars travel as null (JSON has no NaN); the store reads null back as NaN.
        result: JSON.parse(canonicalJson(result)) as FileRun['result'],
      });
    }
  }
  return { format: NOTEBOOK_FORMAT, version: NOTEBOOK_VERSION, notebook: nb, experiments, runs };
}

export function notebookFileText(store: LabStore, nb: Notebook, withRuns: boolean): string {
  return canonicalJson(notebookFile(store, nb, withRuns), 1) + '\n';
}

/** Parses a notebook file's text; one sentence with the JSON path on a bad file. */
export function parseNotebookFileText(text: string, where = 'notebook file'): NotebookFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotebookError(`${where}: not valid JSON (${(e as Error).message})`);
  }
  return parseNotebookFile(raw, where);
}

/**
 * Stores a file's runs (each replacing a finished twin of the same configuration in the same
 * experiment, so importing twice changes nothing) in one transaction. Returns how many.
 */
export function importRuns(store: LabStore, file: NotebookFile): number {
  let n = 0;
  store.db.transaction(() => {
    const ids = new Map<string, number>();
    for (const [name, e] of Object.entries(file.experiments)) ids.set(name, store.ensureExperiment(name, e.description ?? undefined, e.source ?? undefined));
    for (const r of file.runs) {
      const experimentId = ids.get(r.experiment) ?? store.ensureExperiment(r.experiment);
      ids.set(r.experiment, experimentId);
      const runId = store.beginRun({ experimentId, configHash: r.configHash, name: r.name, spec: r.spec, profile: r.profile, seed: r.seed, engineVersion: r.engineVersion, point: r.point, replication: r.replication });
      const scalars: Record<string, number> = {};
      for (const [k, v] of Object.entries(r.result.scalars)) scalars[k] = v ?? NaN;
      store.finishRun(runId, { ...(r.result as unknown as RunResult), scalars }, r.wallMs ?? 0);
      if (r.tags.length) store.db.prepare(`UPDATE runs SET tags_json = ? WHERE id = ?`).run(JSON.stringify([...r.tags].sort()), runId);
      n++;
    }
  })();
  return n;
}
