/**
 * Waiting for SQLite's write lock with progress. SQLite's own busy timeout sleeps inside each
 * statement; this wraps whole operations (a transaction is all-or-nothing, so retrying it after
 * SQLITE_BUSY is safe) in slices of that timeout, reporting the wait between slices, and gives
 * up with one sentence after the overall limit.
 */
import { isBusy, StoreError } from '../common/store-errors';

/** How long one SQLite busy wait lasts before we report progress and try again. */
export const BUSY_SLICE_MS = 1000;

export interface LockWaitOptions {
  /** Total time to wait for another process's lock (default 120 s, or VIOMMU_LAB_LOCK_TIMEOUT_MS). */
  lockTimeoutMs?: number;
  /** Called after each slice spent waiting, with the time waited so far. */
  onWait?: (waitedMs: number) => void;
}

export function lockTimeout(opts: LockWaitOptions): number {
  if (opts.lockTimeoutMs !== undefined) return opts.lockTimeoutMs;
  const env = Number(process.env.VIOMMU_LAB_LOCK_TIMEOUT_MS);
  return Number.isFinite(env) && env >= 0 ? env : 120_000;
}

export function withLockWait<T>(file: string, opts: LockWaitOptions, op: () => T): T {
  const limit = lockTimeout(opts);
  const start = process.hrtime.bigint();
  for (;;) {
    try {
      return op();
    } catch (e) {
      if (!isBusy(e)) throw e;
      const waited = Number(process.hrtime.bigint() - start) / 1e6;
      if (waited >= limit) {
        throw new StoreError(
          file,
          `another process has held the database lock for ${Math.round(waited / 1000)} s; stop it or wait until it finishes, then try again (VIOMMU_LAB_LOCK_TIMEOUT_MS sets how long to wait)`,
          'SQLITE_BUSY',
        );
      }
      opts.onWait?.(waited);
    }
  }
}
