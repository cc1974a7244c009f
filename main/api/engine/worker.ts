/**
 * An engine worker thread: runs one simulation at a time, posts throttled progress, and stops
 * when the host raises the shared cancel flag (the engine polls it every ~65k events); or
 * checks topologies for the run pipeline (building their machines, which the host never does).
 * It never touches the store: results go back to the host, the single writer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError } from '../../common/errors';
import { BudgetExceededError } from '../../common/budget';
import { hostBudgetCheck } from '../budget-meter';
import { runSimulation } from '../../engine/run';
import { topologyIssue } from '../pipeline/topology-check';
import { PROGRESS_INTERVAL_MS, type WorkerMessage, type WorkerTask } from './protocol';

const port = parentPort;
if (port === null) throw new Error('engine worker started outside a worker thread');
const cancelFlag = new Int32Array((workerData as { cancel: SharedArrayBuffer }).cancel);
const post = (m: WorkerMessage): void => port.postMessage(m);

port.on('message', (task: WorkerTask) => {
  if (task.type === 'check') {
    post({ type: 'checked', taskId: task.taskId, issues: task.runs.map((r) => topologyIssue(r.spec, r.profile)) });
    return;
  }
  const started = performance.now();
  let lastPost = -Infinity;
  try {
    const result = runSimulation(task.spec, task.profile, {
      shouldCancel: () => Atomics.load(cancelFlag, 0) !== 0,
      maxEvents: task.budgets.maxEvents,
      // This worker's isolate: its heap and the array buffers of the run's tables.
      checkBudget: hostBudgetCheck(task.budgets),
      onProgress: (p) => {
        const now = performance.now();
        if (now - lastPost < PROGRESS_INTERVAL_MS) return;
        lastPost = now;
        post({ type: 'progress', taskId: task.taskId, phase: p.phase, simNs: p.simNs, endNs: p.endNs, events: p.events });
      },
    });
    post({ type: 'done', taskId: task.taskId, result, wallMs: performance.now() - started });
  } catch (e) {
    post({
      type: 'failed',
      taskId: task.taskId,
      status: e instanceof CancelledError ? 'cancelled' : e instanceof BudgetExceededError ? 'budget-exceeded' : 'failed',
      message: e instanceof Error ? e.message : String(e),
      wallMs: performance.now() - started,
    });
  }
});
post({ type: 'ready' });
