/**
 * The registry of metric names: every metric a run emits is declared here with its unit and a
 * one-line meaning. The store, charts, CSV and notebooks all use these names. A `*` segment is a
 * family (e.g. `hcalls.*` → `hcalls.h_put_tce`); its instances must be lower-case identifiers.
 *
 * Histogram metrics expand in scalar form to `<name>.p50`, `.p90`, `.p99`, `.p999`, `.mean`,
 * `.max`, `.count` (see HISTOGRAM_SUMMARY).
 */

export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'series';

export interface MetricDef {
  readonly name: string;
  readonly kind: MetricKind;
  readonly unit: string;
  readonly doc: string;
}

const defs: MetricDef[] = [];

/** Declares metrics. Model issues call this from their own file under metrics/ and import it in metrics/all.ts. */
export function declareMetrics(list: readonly MetricDef[]): void {
  for (const d of list) {
    if (defs.some((x) => x.name === d.name)) throw new Error(`metric ${d.name} declared twice`);
    defs.push(d);
  }
}

export function allMetricDefs(): readonly MetricDef[] {
  return defs;
}

export const HISTOGRAM_SUMMARY = ['p50', 'p90', 'p99', 'p999', 'mean', 'max', 'count'] as const;

const SEGMENT = /^[a-z0-9_]+$/;

/** Finds the declaration for a concrete metric name (exact, family, or a histogram summary). */
export function lookupMetric(name: string): MetricDef | undefined {
  const parts = name.split('.');
  for (const d of defs) {
    if (matches(d.name.split('.'), parts)) return d;
  }
  const last = parts[parts.length - 1];
  if (last !== undefined && (HISTOGRAM_SUMMARY as readonly string[]).includes(last)) {
    const base = parts.slice(0, -1);
    const d = defs.find((x) => x.kind === 'histogram' && matches(x.name.split('.'), base));
    if (d !== undefined) return { ...d, name, kind: 'gauge', unit: last === 'count' ? 'count' : d.unit };
  }
  return undefined;
}

function matches(pattern: string[], parts: string[]): boolean {
  if (pattern.length !== parts.length) return false;
  return pattern.every((p, i) => (p === '*' ? SEGMENT.test(parts[i]!) : p === parts[i]));
}
