/** A benchmark's output: named values with units. Ratios within one run are what we compare across machines. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export function timed<T>(fn: () => T): { value: T; seconds: number } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { value, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

export function wallSeconds(f: () => void): number {
  return timed(f).seconds;
}

export class PeakMemory {
  rss = 0;
  heap = 0;
  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.rss) this.rss = m.rss;
    if (m.heapUsed > this.heap) this.heap = m.heapUsed;
  }
}
