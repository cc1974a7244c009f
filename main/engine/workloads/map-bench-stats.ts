/**
 * dma_map_benchmark's statistics (kernel/dma/map_benchmark.c) as pure arithmetic: each iteration
 * adds its map and unmap latencies truncated to 100 ns units and their squares; the result is
 * the integer mean and int_sqrt(sum_sq / loops − mean²), all in 100 ns units, exactly as the
 * kernel's u64 arithmetic gives them (the tool prints them / 10 as µs with one decimal).
 *
 * Models: the truncations of the kernel's div64_ul / div64_u64 / int_sqrt64. Does not model:
 * atomics between threads (one accumulator for all threads, as the kernel's).
 */
export class MapBenchStats {
  loops = 0;
  private sumMap = 0;
  private sumUnmap = 0;
  private sumSqMap = 0;
  private sumSqUnmap = 0;

  add(mapNs: number, unmapNs: number): void {
    const m = Math.floor(mapNs / 100);
    const u = Math.floor(unmapNs / 100);
    this.sumMap += m;
    this.sumUnmap += u;
    this.sumSqMap += m * m;
    this.sumSqUnmap += u * u;
    this.loops++;
  }

  /** avg_map_100ns, map_stddev, avg_unmap_100ns, unmap_stddev; zeros before the first loop (the kernel leaves them 0). */
  result(): { avgMap: number; mapStddev: number; avgUnmap: number; unmapStddev: number } {
    if (this.loops === 0) return { avgMap: 0, mapStddev: 0, avgUnmap: 0, unmapStddev: 0 };
    const avgMap = Math.floor(this.sumMap / this.loops);
    const avgUnmap = Math.floor(this.sumUnmap / this.loops);
    return {
      avgMap,
      mapStddev: intSqrt(Math.floor(this.sumSqMap / this.loops) - avgMap * avgMap),
      avgUnmap,
      unmapStddev: intSqrt(Math.floor(this.sumSqUnmap / this.loops) - avgUnmap * avgUnmap),
    };
  }
}

/** floor(sqrt(x)) for a non-negative integer (int_sqrt64). */
function intSqrt(x: number): number {
  if (x <= 0) return 0;
  let r = Math.floor(Math.sqrt(x));
  while (r * r > x) r--;
  while ((r + 1) * (r + 1) <= x) r++;
  return r;
}
