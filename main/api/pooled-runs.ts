/**
 * Runs prepared runs on an executor with `size` slots (and `capacity` tasks in flight) — the
 * engine worker pool the workbench uses (main/api/engine/pool.ts) — and stores each result:
 * `viommu-lab run --jobs N`.
 *
 * The same outcome as executeRuns (runner.ts), byte for byte: runs are begun in their order, so
 * their ids are the serial ones; the results come back in that order whatever order they finish
 * in; a cancel stops dispatching and cancels what is in flight; a result the store cannot take
 * stops dispatching, as the serial loop stops. Only the wall time differs.
 */
import type { LabStore } from '../store/store';
import { ResultSpilledError } from '../common/store-errors';
import { mayHandOver, type RunExecutor, type TaskHandle, type TaskOutcome } from './engine/pool';
import { beginPreparedRun, type PreparedRun } from './pipeline/prepared';
import type { ExecutedRun, ExecuteOptions } from './runner';

/** How often the cancel flag is polled while runs are in flight. */
const CANCEL_POLL_MS = 50;

export async function executeRunsOn(executor: RunExecutor, store: LabStore, runs: readonly PreparedRun[], opts: ExecuteOptions): Promise<ExecutedRun[]> {
  const experimentId = store.ensureExperiment(opts.experiment, opts.description, opts.source);
  const out: (ExecutedRun | undefined)[] = [];
  const inFlight = new Map<number, TaskHandle>();
  let next = 0;
  let stop = false;
  let fatal: unknown = null;
  let settled!: () => void;
  const allDone = new Promise<void>((r) => (settled = r));

  const finish = (i: number, runId: number, o: TaskOutcome): void => {
    inFlight.delete(i);
    if (o.status !== 'done') {
      store.endRun(runId, o.status, o.message, o.wallMs);
      out[i] = { runId, status: o.status, error: o.message };
      if (o.status === 'cancelled') stop = true;
    } else {
      try {
        store.finishRun(runId, o.result, o.wallMs);
        out[i] = { runId, status: 'done', result: o.result };
      } catch (e) {
        if (!(e instanceof ResultSpilledError)) throw e;
        out[i] = { runId, status: 'done', result: o.result, error: e.message, spilled: e.spillFile };
        stop = true;
      }
    }
    dispatch();
  };

  const dispatch = (): void => {
    if (opts.shouldCancel?.()) stop = true;
    // Up to the executor's capacity, the tail only to idle workers (mayHandOver): the pool's workers
    // need not wait for this thread (its store writes, its turn on a busy core) between runs.
    while (!stop && next < runs.length && mayHandOver(executor, inFlight.size, runs.length - next)) {
      const i = next++;
      const run = runs[i]!;
      // The worker starts first, then its run is recorded (a write the worker need not wait for);
      // runs are still begun in order, so their ids are the serial ones.
      const handle = executor.run(run.spec, run.profile, (p) => opts.onProgress?.(i, p), opts.budgets);
      let runId: number;
      try {
        runId = beginPreparedRun(store, experimentId, run);
      } catch (e) {
        handle.cancel(); // a run the store could not record does not go on
        throw e;
      }
      inFlight.set(i, handle);
      opts.onRunStart?.(i, runs.length, run, runId);
      void handle.outcome.then((o) => {
        try {
          finish(i, runId, o);
        } catch (e) {
          // The store failed (not a spill): stop, let the runs in flight end, then throw it.
          fatal ??= e;
          stop = true;
          inFlight.delete(i);
          if (inFlight.size === 0) settled();
        }
      });
    }
    if (inFlight.size === 0) settled();
  };

  const poll = setInterval(() => {
    if (!stop && opts.shouldCancel?.()) {
      stop = true;
      for (const h of inFlight.values()) h.cancel();
    }
  }, CANCEL_POLL_MS);
  try {
    dispatch();
    await allDone;
  } finally {
    clearInterval(poll);
  }
  if (fatal !== null) throw fatal;
  // Runs never begun (after a cancel or a spill) are not reported, as in the serial loop; a run
  // cancelled in flight is reported, and so are the ones still finishing beside it.
  return out.filter((r): r is ExecutedRun => r !== undefined);
}
