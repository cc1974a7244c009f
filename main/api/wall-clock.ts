/**
 * Wall time for the host side of runs (budgets, pilot estimates, the engine pool's timings):
 * milliseconds on the process's monotonic clock. Not a model input — the engine reads no clock.
 *
 * process.hrtime rather than performance.now(): the first read of the `performance` global loads
 * Node's perf_hooks (a dozen internal modules, ~2 ms of every CLI start here); both clocks are
 * monotonic and only differences of readings are used.
 */
export function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
