/**
 * Runs prepared runs on the calling thread and stores each result: the CLI's executor (the app
 * runs them in the engine host's worker pool, main/api/engine). Also `prepareRun`, the
 * one-spec shortcut for tests and benchmarks: validation, profile and topology check, throwing.
 */
import { TopologyError } from '../common/diagnostics';
import { CancelledError } from '../common/errors';
import { BudgetExceededError, resolveBudgets, type Budgets } from '../common/budget';
import { hostBudgetCheck } from './budget-meter';
import type { RunResult } from '../common/result';
import { runSimulation, type RunProgress } from '../engine/run';
import type { LabStore, RunStatus } from '../store/store';
import { ResultSpilledError } from '../common/store-errors';
import { beginPreparedRun, prepareSpec, type PreparedRun, type PrepareOptions } from './pipeline/prepared';
import { topologyIssue } from './pipeline/topology-check';

export { beginPreparedRun, type PreparedRun, type PrepareOptions } from './pipeline/prepared';

/** prepareSpec plus the topology check, in-process; throws SpecError, ProfileError, SetPathError or TopologyError. */
export function prepareRun(input: unknown, opts: PrepareOptions = {}): PreparedRun {
  const run = prepareSpec(input, opts);
  const issue = topologyIssue(run.spec, run.profile);
  if (issue !== null) throw new TopologyError(issue.path, issue.detail);
  return run;
}

export interface ExecuteOptions {
  experiment: string;
  description?: string;
  source?: string;
  onRunStart?: (index: number, total: number, run: PreparedRun, runId: number) => void;
  onProgress?: (index: number, p: RunProgress) => void;
  shouldCancel?: () => boolean;
  /** Each run's budgets (defaults: DEFAULT_BUDGETS); a run that reaches one is stored as budget-exceeded and the next one starts. */
  budgets?: Partial<Budgets>;
}

export interface ExecutedRun {
  runId: number;
  status: RunStatus;
  result?: RunResult;
  error?: string;
  /** The result finished but the database could not take it: the spill file that keeps it. */
  spilled?: string;
}

export function executeRuns(store: LabStore, runs: readonly PreparedRun[], opts: ExecuteOptions): ExecutedRun[] {
  const experimentId = store.ensureExperiment(opts.experiment, opts.description, opts.source);
  const out: ExecutedRun[] = [];
  const budgets = resolveBudgets(opts.budgets);
  for (const [i, run] of runs.entries()) {
    const runId = beginPreparedRun(store, experimentId, run);
    opts.onRunStart?.(i, runs.length, run, runId);
    const started = process.hrtime.bigint();
    const wallMs = (): number => Number(process.hrtime.bigint() - started) / 1e6;
    let result: RunResult;
    try {
      result = runSimulation(run.spec, run.profile, {
        onProgress: opts.onProgress ? (p) => opts.onProgress!(i, p) : undefined,
        shouldCancel: opts.shouldCancel,
        maxEvents: budgets.maxEvents,
        checkBudget: hostBudgetCheck(budgets),
      });
    } catch (e) {
      const cancelled = e instanceof CancelledError;
      const status = cancelled ? 'cancelled' : e instanceof BudgetExceededError ? 'budget-exceeded' : 'failed';
      const message = e instanceof Error ? e.message : String(e);
      store.endRun(runId, status, message, wallMs());
      out.push({ runId, status, error: message });
      if (cancelled) break;
      continue;
    }
    try {
      store.finishRun(runId, result, wallMs());
      out.push({ runId, status: 'done', result });
    } catch (e) {
      if (!(e instanceof ResultSpilledError)) throw e;
      // The store cannot take more now; later runs would only spill too.
      out.push({ runId, status: 'done', result, error: e.message, spilled: e.spillFile });
      break;
    }
  }
  return out;
}
