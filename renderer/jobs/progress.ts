/** How full a job's bar is: finished and partly finished runs over the runs that were to run; cancelled runs did not finish. */
import type { JobInfo } from '../../main/common/api/types';

export function jobPercent(j: Pick<JobInfo, 'done' | 'failed' | 'cancelled' | 'skipped' | 'total' | 'running'>): number {
  const partial = j.running.reduce((s, r) => s + (r.fraction ?? 0), 0);
  const planned = Math.max(1, j.total - j.skipped);
  return Math.min(100, ((j.done + j.failed + partial) / planned) * 100);
}
