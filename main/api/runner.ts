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
import { traceOpener } from './trace-opener';
import type { RunPilot } from './pipeline/pipeline';
import { InRunPilot } from './pipeline/run-pilot';

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
  /**
   * The pipeline's pilot of a single run (SourceOutcome.runPilot), made from the run's own first
   * events (run-pilot.ts); its refusal is thrown as a PilotRefusedError, with nothing stored.
   */
  pilot?: RunPilot;
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
  if (opts.pilot !== undefined && runs.length === 1) return [executePiloted(store, runs[0]!, opts, opts.pilot)];
  const experimentId = store.ensureExperiment(opts.experiment, opts.description, opts.source);
  const out: ExecutedRun[] = [];
  const budgets = resolveBudgets(opts.budgets);
  for (const [i, run] of runs.entries()) {
    const runId = beginPreparedRun(store, experimentId, run);
    opts.onRunStart?.(i, runs.length, run, runId);
    const started = process.hrtime.bigint();
    let result: RunResult;
    try {
      result = runSimulation(run.spec, run.profile, {
        onProgress: opts.onProgress ? (p) => opts.onProgress!(i, p) : undefined,
        shouldCancel: opts.shouldCancel,
        maxEvents: budgets.maxEvents,
        checkBudget: hostBudgetCheck(budgets),
        openTrace: traceOpener,
      });
    } catch (e) {
      const r = storeFailure(store, runId, e, started);
      out.push(r);
      if (r.status === 'cancelled') break;
      continue;
    }
    const r = storeResult(store, runId, result, started);
    out.push(r);
    // The store cannot take more now; later runs would only spill too.
    if (r.spilled !== undefined) break;
  }
  return out;
}

const msSince = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e6;

function storeFailure(store: LabStore, runId: number, e: unknown, started: bigint): ExecutedRun {
  const status = e instanceof CancelledError ? 'cancelled' : e instanceof BudgetExceededError ? 'budget-exceeded' : 'failed';
  const message = e instanceof Error ? e.message : String(e);
  store.endRun(runId, status, message, msSince(started));
  return { runId, status, error: message };
}

function storeResult(store: LabStore, runId: number, result: RunResult, started: bigint): ExecutedRun {
  try {
    store.finishRun(runId, result, msSince(started));
    return { runId, status: 'done', result };
  } catch (e) {
    if (!(e instanceof ResultSpilledError)) throw e;
    return { runId, status: 'done', result, error: e.message, spilled: e.spillFile };
  }
}

/**
 * One run that is its own pilot (run-pilot.ts): its experiment and run are stored only once the
 * pilot's verdict accepted it (or it was cancelled before: recorded as cancelled, as any run is),
 * so a refused run leaves nothing, as a refusal by a separate pilot does.
 */
function executePiloted(store: LabStore, run: PreparedRun, opts: ExecuteOptions, runPilot: RunPilot): ExecutedRun {
  const started = process.hrtime.bigint();
  let runId = -1;
  let beginError: unknown = null;
  const begin = (): void => {
    try {
      runId = beginPreparedRun(store, store.ensureExperiment(opts.experiment, opts.description, opts.source), run);
    } catch (e) {
      throw (beginError = e); // the store's, not the run's: it reaches the caller as a serial run's would
    }
    opts.onRunStart?.(0, 1, run, runId);
  };
  const pilot = new InRunPilot(run.spec, run.profile, runPilot, { budgets: resolveBudgets(opts.budgets), shouldCancel: opts.shouldCancel, onProgress: opts.onProgress ? (p) => opts.onProgress!(0, p) : undefined, openTrace: traceOpener }, begin);
  let result: RunResult;
  try {
    result = runSimulation(run.spec, run.profile, pilot.options());
    const stop = pilot.finished(result.events, result.simTimeNs);
    if (stop !== null) throw new BudgetExceededError(stop);
  } catch (e) {
    if (pilot.isRefusal(e) || (beginError !== null && e === beginError)) throw e;
    if (!pilot.accepted) {
      if (e instanceof CancelledError) begin();
      else pilot.failedBeforeVerdict(e); // throws the refusal (the pilot's engine failure)
    }
    return storeFailure(store, runId, e, started);
  }
  return storeResult(store, runId, result, started);
}
