/**
 * An engine worker thread: runs one simulation at a time (the next one, already posted, waits in
 * the port's queue), posts throttled progress, and stops when the host raises the task's shared
 * cancel flag (the engine polls it every ~65k events; a task cancelled before it began is
 * answered at once); or
 * checks topologies for the run pipeline (building their machines, which the host never does).
 * It never touches the store: results go back to the host, the single writer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError } from '../../common/errors';
import { BudgetExceededError } from '../../common/budget';
import { hostBudgetCheck } from '../budget-meter';
import { runSimulation } from '../../engine/run';
import { traceOpener } from '../trace-opener';
import { topologyIssue } from '../pipeline/topology-check';
import { estimateWork } from '../pipeline/estimate';
import { PROGRESS_INTERVAL_MS, type WorkerMessage, type WorkerTask } from './protocol';
import { monotonicMs } from '../wall-clock';

const port = parentPort;
if (port === null) throw new Error('engine worker started outside a worker thread');
const cancelFlag = new Int32Array((workerData as { cancel: SharedArrayBuffer }).cancel);
const post = (m: WorkerMessage): void => port.postMessage(m);

port.on('message', (task: WorkerTask) => {
  if (task.type === 'check') {
    post({ type: 'checked', taskId: task.taskId, issues: task.runs.map((r) => topologyIssue(r.spec, r.profile)) });
    return;
  }
  if (task.type === 'estimate') {
    try {
      post({ type: 'estimated', taskId: task.taskId, estimates: task.runs.map((r) => estimateWork(r.spec, r.profile, task.pilotEvents, task.maxBytes)) });
    } catch (e) {
      // An engine bug in a pilot (the topology check passed): one message, not a dead checker.
      post({ type: 'check-failed', taskId: task.taskId, message: `the work estimate failed: ${e instanceof Error ? e.message : String(e)}` });
    }
    return;
  }
  const started = monotonicMs();
  const cancelled = (): boolean => Atomics.load(cancelFlag, task.cell) !== 0;
  if (cancelled()) {
    post({ type: 'failed', taskId: task.taskId, status: 'cancelled', message: 'run cancelled before it started', wallMs: 0 });
    return;
  }
  // The run starts: a task that waited behind another one on this worker is running from now on.
  post({ type: 'progress', taskId: task.taskId, phase: 'boot', simNs: 0, endNs: null, events: 0 });
  let lastPost = started;
  try {
    const result = runSimulation(task.spec, task.profile, {
      openTrace: traceOpener,
      shouldCancel: cancelled,
      maxEvents: task.budgets.maxEvents,
      // This worker's isolate: its heap and the array buffers of the run's tables.
      checkBudget: hostBudgetCheck(task.budgets),
      onProgress: (p) => {
        const now = monotonicMs();
        if (now - lastPost < PROGRESS_INTERVAL_MS) return;
        lastPost = now;
        post({ type: 'progress', taskId: task.taskId, phase: p.phase, simNs: p.simNs, endNs: p.endNs, events: p.events });
      },
    });
    post({ type: 'done', taskId: task.taskId, result, wallMs: monotonicMs() - started });
  } catch (e) {
    post({
      type: 'failed',
      taskId: task.taskId,
      status: e instanceof CancelledError ? 'cancelled' : e instanceof BudgetExceededError ? 'budget-exceeded' : 'failed',
      message: e instanceof Error ? e.message : String(e),
      wallMs: monotonicMs() - started,
    });
  }
});
post({ type: 'ready' });
