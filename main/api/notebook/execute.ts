/**
 * Runs notebook cells top to bottom and records, per cell, the input key it ran with and the
 * execution count (the notebook's counter, so the order of execution is kept). An experiment
 * cell runs its script to completion and records its runs' configuration and result hashes; when
 * it ran before on the same configurations, it also records how many result hashes it
 * reproduced. Chart, table and text cells compute from stored runs, so running them only records
 * that their inputs are current. A cell whose experiment failed records the error and is stale.
 */
import { ENGINE_VERSION } from '../../common/result';
import type { CellState, Notebook } from '../../common/notebook/schema';
import { inputKeys } from '../../common/notebook/stale';
import * as q from '../../store/run-queries';
import type { NotebookBackend } from './backend';
import { resultHash } from './hashes';

export interface RunCellsReport {
  ran: string[];
  failed: { cell: string; message: string }[];
}

/** Runs the given cells (all when omitted) in notebook order; returns the notebook with its new state. */
export async function runCells(b: NotebookBackend, nb: Notebook, only?: readonly string[]): Promise<{ notebook: Notebook; report: RunCellsReport }> {
  const state: Record<string, CellState> = { ...nb.state };
  let counter = nb.executionCounter;
  const report: RunCellsReport = { ran: [], failed: [] };
  const want = only === undefined ? null : new Set(only);
  for (const cell of nb.cells) {
    if (want !== null && !want.has(cell.id)) continue;
    // Keys are recomputed per cell: an upstream cell's run does not change keys, edits do.
    const key = inputKeys(nb).get(cell.id)!;
    counter++;
    if (cell.type === 'experiment') {
      const prev = state[cell.id];
      const o = await b.runExperiment(cell.file, cell.source);
      if (!o.ok) {
        state[cell.id] = { ...(prev ?? {}), inputKey: key, executionCount: counter, error: o.message };
        report.failed.push({ cell: cell.id, message: o.message });
        continue;
      }
      const runs = q.allRuns(b.store, { experiment: o.experiment, status: 'done', configs: o.configHashes });
      const results = runs.map((r) => ({ configHash: r.configHash, resultHash: resultHash(b.store, r.id)! }));
      const before = new Map((prev?.results ?? []).map((r) => [r.configHash, r.resultHash]));
      const common = results.filter((r) => before.has(r.configHash));
      const next: CellState = { inputKey: key, executionCount: counter, experiment: o.experiment, results };
      if (common.length > 0) next.reproduced = { same: common.filter((r) => before.get(r.configHash) === r.resultHash).length, of: common.length, engineVersion: ENGINE_VERSION };
      if (o.failed > 0) next.error = `${o.failed} of ${o.configHashes.length} runs failed${o.firstError ? `: ${o.firstError}` : ''}`;
      state[cell.id] = next;
      if (next.error !== undefined) report.failed.push({ cell: cell.id, message: next.error });
    } else {
      state[cell.id] = { inputKey: key, executionCount: counter };
    }
    report.ran.push(cell.id);
  }
  // State of cells no longer in the notebook goes.
  const ids = new Set(nb.cells.map((c) => c.id));
  for (const k of Object.keys(state)) if (!ids.has(k)) delete state[k];
  return { notebook: { ...nb, state, executionCounter: counter }, report };
}
