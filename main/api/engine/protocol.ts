/** Messages between the engine host and its worker threads. Plain data, structured-cloned. */
import type { Budgets, WorkEstimate } from '../../common/budget';
import type { ResolvedProfile } from '../../common/profile/profile';
import type { RunResult } from '../../common/result';
import type { Spec } from '../../common/spec';
import type { TopologyIssue } from '../pipeline/checker';

export interface RunTask {
  type: 'run';
  taskId: number;
  /** The worker's cancel flag for this task (its place in the worker's queue): the host raises it to cancel. */
  cell: number;
  spec: Spec;
  profile: ResolvedProfile;
  budgets: Budgets;
}

/** Builds each spec's machine and answers which ones the models refuse (the pipeline's topology stage). */
export interface CheckTask {
  type: 'check';
  taskId: number;
  runs: { spec: Spec; profile: ResolvedProfile }[];
}

/** The work estimate of each spec (a pilot of at most `pilotEvents` events unless the footprint exceeds `maxBytes`): the pipeline's budget stage. */
export interface EstimateTask {
  type: 'estimate';
  taskId: number;
  runs: { spec: Spec; profile: ResolvedProfile }[];
  pilotEvents: number;
  maxBytes: number;
}

export type WorkerTask = RunTask | CheckTask | EstimateTask;

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; taskId: number; phase: 'boot' | 'run'; simNs: number; endNs: number | null; events: number }
  | { type: 'done'; taskId: number; result: RunResult; wallMs: number }
  | { type: 'checked'; taskId: number; issues: (TopologyIssue | null)[] }
  | { type: 'estimated'; taskId: number; estimates: WorkEstimate[] }
  | { type: 'check-failed'; taskId: number; message: string }
  | { type: 'failed'; taskId: number; status: 'failed' | 'cancelled' | 'budget-exceeded'; message: string; wallMs: number };

/** Workers post progress at most this often (wall time), so a fast engine cannot flood the host. */
export const PROGRESS_INTERVAL_MS = 100;
