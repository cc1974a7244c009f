/**
 * Run-wide totals of every sPAPR PHB in a run: TCE table memory, guest memory reachable through
 * valid TCEs (peak, end, and a series), and exposure of shared pages. Several PHBs (vIOMMU
 * instances) add up; the gauges are rewritten from the totals, so emitting twice is harmless.
 */
import type { Environment } from '../../kernel';
import type { Metrics } from '../../metrics/collector';
import type { Series } from '../../metrics/series';
import { CORE_METRICS } from '../../../common/metrics/core';
import { SPAPR_METRICS } from './metrics';

export class SpaprRunTotals {
  private readonly visible = new Map<string, number>();
  private readonly tables = new Map<string, number>();
  private readonly exposure = new Map<string, number>();
  private visiblePeak = 0;
  private tablePeak = 0;
  private readonly series: Series;

  private constructor(
    private readonly env: Environment,
    private readonly metrics: Metrics,
  ) {
    this.series = metrics.timeSeries(SPAPR_METRICS.seriesDmaVisibleBytes, 'level');
  }

  private static readonly byRun = new WeakMap<Metrics, SpaprRunTotals>();

  static of(env: Environment, metrics: Metrics): SpaprRunTotals {
    let t = SpaprRunTotals.byRun.get(metrics);
    if (t === undefined) {
      t = new SpaprRunTotals(env, metrics);
      SpaprRunTotals.byRun.set(metrics, t);
    }
    return t;
  }

  update(phb: string, visibleBytes: number, tableBytes: number): void {
    const oldV = this.visible.get(phb);
    this.visible.set(phb, visibleBytes);
    this.tables.set(phb, tableBytes);
    const v = sum(this.visible);
    const t = sum(this.tables);
    if (v > this.visiblePeak) this.visiblePeak = v;
    if (t > this.tablePeak) this.tablePeak = t;
    if (oldV !== visibleBytes) this.series.sample(this.env.now, v);
  }

  setExposure(phb: string, ns: number): void {
    this.exposure.set(phb, ns);
  }

  emit(): void {
    this.metrics.gauge(SPAPR_METRICS.memTceBytes, sum(this.tables));
    this.metrics.gauge(SPAPR_METRICS.memTceBytesPeak, this.tablePeak);
    this.metrics.gauge(SPAPR_METRICS.securityDmaVisibleBytes, this.visiblePeak);
    this.metrics.gauge(SPAPR_METRICS.securityDmaVisibleBytesEnd, sum(this.visible));
    this.metrics.gauge(CORE_METRICS.securityExposureNs, sum(this.exposure));
  }
}

function sum(m: Map<string, number>): number {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
}
