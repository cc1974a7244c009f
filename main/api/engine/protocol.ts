/** Messages between the engine host and its worker threads. Plain data, structured-cloned. */
import type { ResolvedProfile } from '../../common/profile/profile';
import type { RunResult } from '../../common/result';
import type { Spec } from '../../common/spec';

export interface RunTask {
  type: 'run';
  taskId: number;
  spec: Spec;
  profile: ResolvedProfile;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; taskId: number; phase: 'boot' | 'run'; simNs: number; endNs: number | null; events: number }
  | { type: 'done'; taskId: number; result: RunResult; wallMs: number }
  | { type: 'failed'; taskId: number; cancelled: boolean; message: string; wallMs: number };

/** Workers post progress at most this often (wall time), so a fast engine cannot flood the host. */
export const PROGRESS_INTERVAL_MS = 100;
