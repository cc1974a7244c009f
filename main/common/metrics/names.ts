/**
 * Metric names as typed handles: every metric a run emits is declared once with
 * `declareMetrics` — name, kind, unit, one-line meaning — by the core (metrics/core.ts,
 * dma-iommu.ts, swiotlb.ts, iommu-common.ts) or by the model that emits it
 * (main/engine/models/<kind>/). The engine records through the handle, so an undeclared name or a
 * counter used as a histogram is a type error. A name ending in `.*` is a family
 * (`hcalls.*` → `hcalls.h_put_tce`); `family.of(instance)` gives one member, whose instance must
 * be a lower-case identifier. The store, charts, CSV and notebooks use the same names.
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

declare const METRIC: unique symbol;

/** One concrete metric. */
export type Metric<K extends MetricKind = MetricKind> = MetricDef & { readonly kind: K; readonly [METRIC]: true };

/** A declared family (`name` ends in `.*`): `of(instance)` gives one member. */
export type MetricFamily<K extends MetricKind = MetricKind> = MetricDef & { readonly kind: K; readonly family: true; of(instance: string): Metric<K> };

type Handle<D extends MetricDef> = D['name'] extends `${string}.*` ? MetricFamily<D['kind']> : Metric<D['kind']>;

const NAME = /^[a-z0-9_]+(\.([a-z0-9_]+|\*))+$/;
const SEGMENT = /^[a-z0-9_]+$/;

/** Declares a group of metrics; returns one handle (or family) per key. */
export function declareMetrics<const T extends Record<string, MetricDef>>(defs: T): { readonly [K in keyof T]: Handle<T[K]> } {
  const out: Record<string, MetricDef> = {};
  for (const [key, d] of Object.entries(defs)) {
    if (!NAME.test(d.name)) throw new Error(`metric name ${d.name} must be dotted lower-case (a family ends in .*)`);
    if (d.name.endsWith('.*')) {
      const stem = d.name.slice(0, -1);
      const members = new Map<string, MetricDef>();
      const fam = {
        ...d,
        family: true as const,
        of(instance: string): MetricDef {
          let m = members.get(instance);
          if (m === undefined) {
            if (!SEGMENT.test(instance)) throw new Error(`metric ${d.name}: instance "${instance}" must be lower-case [a-z0-9_]`);
            m = Object.freeze({ name: stem + instance, kind: d.kind, unit: d.unit, doc: d.doc });
            members.set(instance, m);
          }
          return m;
        },
      };
      out[key] = Object.freeze(fam);
    } else {
      out[key] = Object.freeze({ ...d });
    }
  }
  return Object.freeze(out) as unknown as { readonly [K in keyof T]: Handle<T[K]> };
}

export const HISTOGRAM_SUMMARY = ['p50', 'p90', 'p99', 'p999', 'mean', 'max', 'count'] as const;

/** Every declared metric (core plus registered models), for lookups by the concrete names a result holds. */
export class MetricCatalog {
  private readonly defs: MetricDef[] = [];
  /** Each declaration's name split at its dots, and the answers given so far (a table looks up every scalar of a result). */
  private patterns: string[][] | null = null;
  private readonly found = new Map<string, MetricDef | undefined>();

  constructor(groups: readonly Readonly<Record<string, MetricDef>>[]) {
    const seen = new Map<string, MetricDef>();
    for (const g of groups) {
      for (const h of Object.values(g)) {
        const prev = seen.get(h.name);
        if (prev === h) continue;
        if (prev !== undefined) throw new Error(`metric ${h.name} declared twice`);
        seen.set(h.name, h);
        this.defs.push({ name: h.name, kind: h.kind, unit: h.unit, doc: h.doc });
      }
    }
  }

  all(): readonly MetricDef[] {
    return this.defs;
  }

  /** Finds the declaration for a concrete metric name (exact, family, or a histogram summary). */
  lookup(name: string): MetricDef | undefined {
    if (this.found.has(name)) return this.found.get(name);
    const d = lookupSplit(this.defs, (this.patterns ??= this.defs.map((x) => x.name.split('.'))), name);
    this.found.set(name, d);
    return d;
  }
}

/** `lookup` over a plain list of declarations (the renderer gets the list from the API). */
export function lookupIn(defs: readonly MetricDef[], name: string): MetricDef | undefined {
  return lookupSplit(defs, defs.map((x) => x.name.split('.')), name);
}

/** The first declaration (in order) whose split name `patterns[i]` matches; else a histogram's summary. */
function lookupSplit(defs: readonly MetricDef[], patterns: readonly string[][], name: string): MetricDef | undefined {
  const parts = name.split('.');
  for (let i = 0; i < defs.length; i++) {
    if (matches(patterns[i]!, parts)) return defs[i];
  }
  const last = parts[parts.length - 1];
  if (last !== undefined && (HISTOGRAM_SUMMARY as readonly string[]).includes(last)) {
    const base = parts.slice(0, -1);
    const i = defs.findIndex((x, j) => x.kind === 'histogram' && matches(patterns[j]!, base));
    if (i >= 0) return { ...defs[i]!, name, kind: 'gauge', unit: last === 'count' ? 'count' : defs[i]!.unit };
  }
  return undefined;
}

function matches(pattern: string[], parts: string[]): boolean {
  if (pattern.length !== parts.length) return false;
  return pattern.every((p, i) => (p === '*' ? SEGMENT.test(parts[i]!) : p === parts[i]));
}
