/**
 * Per-run metric collection: counters, gauges, histograms and series, each created by name.
 * Every name must be declared in main/common/metrics (a model emitting an undeclared metric
 * fails loudly, so the registry stays the truth for the store, charts and CSV).
 */
import { HISTOGRAM_SUMMARY, lookupMetric, type MetricKind } from '../../common/metrics/all';
import type { HistogramData, SeriesData } from '../../common/result';
import { Histogram, quantileOf } from './histogram';
import { Series } from './series';

export class Counter {
  value = 0;
  inc(n = 1): void {
    this.value += n;
  }
}

const SUMMARY_Q: Record<string, number> = { p50: 0.5, p90: 0.9, p99: 0.99, p999: 0.999 };

export class Metrics {
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, number>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly series = new Map<string, { s: Series; scale: number }>();

  constructor(private readonly seriesStepNs: number) {}

  counter(name: string): Counter {
    let c = this.counters.get(name);
    if (c === undefined) {
      check(name, 'counter');
      c = new Counter();
      this.counters.set(name, c);
    }
    return c;
  }

  gauge(name: string, value: number): void {
    check(name, 'gauge');
    this.gauges.set(name, value);
  }

  /** Keeps the larger of the current and the new value. */
  gaugeMax(name: string, value: number): void {
    check(name, 'gauge');
    const cur = this.gauges.get(name);
    if (cur === undefined || value > cur) this.gauges.set(name, value);
  }

  histogram(name: string): Histogram {
    let h = this.histograms.get(name);
    if (h === undefined) {
      check(name, 'histogram');
      h = new Histogram();
      this.histograms.set(name, h);
    }
    return h;
  }

  /** `scale` converts the stored unit to the declared one when the data are read (e.g. bytes/ns → Gbit/s = 8). */
  timeSeries(name: string, mode: 'level' | 'rate', scale = 1): Series {
    let e = this.series.get(name);
    if (e === undefined) {
      check(name, 'series');
      e = { s: new Series(this.seriesStepNs, 512, mode), scale };
      this.series.set(name, e);
    }
    return e.s;
  }

  /** Scalars (counters, gauges, histogram summaries), histograms and series, keys sorted. */
  collect(): { scalars: Record<string, number>; histograms: Record<string, HistogramData>; series: Record<string, SeriesData> } {
    const scalars: Record<string, number> = {};
    for (const [k, c] of this.counters) scalars[k] = c.value;
    for (const [k, v] of this.gauges) scalars[k] = v;
    const histograms: Record<string, HistogramData> = {};
    for (const [k, h] of this.histograms) {
      const d = h.data();
      histograms[k] = d;
      if (d.count === 0) continue;
      for (const s of HISTOGRAM_SUMMARY) {
        scalars[`${k}.${s}`] = s === 'mean' ? d.sum / d.count : s === 'max' ? d.max : s === 'count' ? d.count : quantileOf(d, SUMMARY_Q[s]!);
      }
    }
    const series: Record<string, SeriesData> = {};
    for (const [k, e] of this.series) series[k] = e.s.data(e.scale);
    return { scalars: sortRecord(scalars), histograms: sortRecord(histograms), series: sortRecord(series) };
  }
}

function check(name: string, kind: MetricKind): void {
  const def = lookupMetric(name);
  if (def === undefined) throw new Error(`metric "${name}" is not declared in main/common/metrics`);
  if (def.kind !== kind && !(kind === 'gauge' && def.kind === 'counter')) {
    throw new Error(`metric "${name}" is declared as a ${def.kind}, used as a ${kind}`);
  }
}

function sortRecord<T>(r: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}
