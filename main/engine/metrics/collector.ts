/**
 * Per-run metric collection: counters, gauges, histograms and series, each created from a
 * declared handle (main/common/metrics/names: `metrics.counter(M.hits)`,
 * `metrics.gauge(M.vmidsOf.of(seg), n)`), so every name a result holds is declared with its kind
 * and unit, and a counter cannot be recorded as a histogram.
 *
 * No value leaves it NaN or ±Infinity: a gauge is checked when it is set, counters, histogram
 * summaries and series when the result is collected (not on every increment: that is the hot
 * path), and a bad one throws MetricValueError naming the metric — an engine bug made loud.
 */
import { MetricValueError } from '../../common/errors';
import { HISTOGRAM_SUMMARY, type Metric } from '../../common/metrics/names';
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

  counter(m: Metric<'counter'>): Counter {
    const name = m.name;
    let c = this.counters.get(name);
    if (c === undefined) {
      c = new Counter();
      this.counters.set(name, c);
    }
    return c;
  }

  /** Sets a gauge (a counter-declared metric may be set too, e.g. a total known only at the end). */
  gauge(m: Metric<'gauge' | 'counter'>, value: number): void {
    if (!Number.isFinite(value)) throw new MetricValueError(m.name, value);
    this.gauges.set(m.name, value);
  }

  /** Keeps the larger of the current and the new value. */
  gaugeMax(m: Metric<'gauge' | 'counter'>, value: number): void {
    const name = m.name;
    if (!Number.isFinite(value)) throw new MetricValueError(name, value);
    const cur = this.gauges.get(name);
    if (cur === undefined || value > cur) this.gauges.set(name, value);
  }

  histogram(m: Metric<'histogram'>): Histogram {
    const name = m.name;
    let h = this.histograms.get(name);
    if (h === undefined) {
      h = new Histogram();
      this.histograms.set(name, h);
    }
    return h;
  }

  /** `scale` converts the stored unit to the declared one when the data are read (e.g. bytes/ns → Gbit/s = 8). */
  timeSeries(m: Metric<'series'>, mode: 'level' | 'rate', scale = 1): Series {
    const name = m.name;
    let e = this.series.get(name);
    if (e === undefined) {
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
    for (const [k, v] of Object.entries(scalars)) if (!Number.isFinite(v)) throw new MetricValueError(k, v);
    for (const [k, d] of Object.entries(histograms)) if (!Number.isFinite(d.sum)) throw new MetricValueError(`${k} (histogram sum)`, d.sum);
    for (const [k, d] of Object.entries(series)) {
      for (const col of [d.mean, d.min, d.max]) for (const v of col) if (v !== null && !Number.isFinite(v)) throw new MetricValueError(`${k} (series)`, v);
    }
    return { scalars: sortRecord(scalars), histograms: sortRecord(histograms), series: sortRecord(series) };
  }
}

function sortRecord<T>(r: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}
