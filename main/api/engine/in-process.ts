/**
 * A RunExecutor that runs each task on the calling thread, one at a time (after the current
 * turn of the event loop). For the CLI, where nothing else needs the thread: the same job
 * manager and notebook path as the workbench, without a worker pool.
 */
import type { ResolvedProfile } from '../../common/profile/profile';
import type { Spec } from '../../common/spec';
import { CancelledError } from '../../common/errors';
import { BudgetExceededError, resolveBudgets, type Budgets, type WorkEstimate } from '../../common/budget';
import { hostBudgetCheck } from '../budget-meter';
import { runSimulation } from '../../engine/run';
import { traceOpener } from '../trace-opener';
import type { TopologyIssue } from '../pipeline/checker';
import { inProcessChecker } from '../pipeline/topology-check';
import type { RunExecutor, TaskHandle, TaskOutcome, TaskProgress } from './pool';
import { monotonicMs } from '../wall-clock';

export class InProcessExecutor implements RunExecutor {
  readonly size = 1;

  checkTopology(runs: readonly { spec: Spec; profile: ResolvedProfile }[]): Promise<(TopologyIssue | null)[]> {
    return inProcessChecker.checkTopology(runs);
  }

  estimateWork(runs: readonly { spec: Spec; profile: ResolvedProfile }[], pilotEvents: number, maxBytes: number): Promise<WorkEstimate[]> {
    return inProcessChecker.estimateWork!(runs, pilotEvents, maxBytes);
  }

  run(spec: Spec, profile: ResolvedProfile, onProgress: (p: TaskProgress) => void, budgets?: Partial<Budgets>): TaskHandle {
    const b = resolveBudgets(budgets);
    let cancelled = false;
    const outcome = new Promise<TaskOutcome>((resolve) => {
      setImmediate(() => {
        const started = monotonicMs();
        const wallMs = (): number => monotonicMs() - started;
        try {
          const result = runSimulation(spec, profile, {
            onProgress: (p) => onProgress({ phase: p.phase, simNs: p.simNs, endNs: p.endNs, events: p.events }),
            shouldCancel: () => cancelled,
            maxEvents: b.maxEvents,
            checkBudget: hostBudgetCheck(b),
            openTrace: traceOpener,
          });
          resolve({ status: 'done', result, wallMs: wallMs() });
        } catch (e) {
          resolve({ status: e instanceof CancelledError ? 'cancelled' : e instanceof BudgetExceededError ? 'budget-exceeded' : 'failed', message: e instanceof Error ? e.message : String(e), wallMs: wallMs() });
        }
      });
    });
    return { outcome, cancel: () => (cancelled = true) };
  }

  async close(): Promise<void> {}
}
