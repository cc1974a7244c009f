/**
 * Cost-profile parameters as typed handles. Every latency, bandwidth and size the engine charges
 * is declared once with `declareCosts` — name, unit, one-line meaning, the base value and its
 * source — by the core (profile/core.ts, dma-iommu.ts, swiotlb.ts) or by the model that charges
 * it (main/engine/models/<kind>/). The engine reads values through the handle
 * (`ctx.costs.ns(C.exit)`), never by a string, so a misspelt parameter is a type error. Platform
 * profiles in resources/profiles override the base values with their own sources.
 */

export type CostUnit = 'ns' | 'bytes' | 'bytes/ns' | 'count' | 'ratio' | 'ns/page' | 'ns/byte';

/** What a declaration states about one parameter. */
export interface CostDef<U extends CostUnit = CostUnit> {
  /** Dotted lower-case name, the key in profiles and in `--set`. */
  readonly name: string;
  readonly unit: U;
  /** One line: what the parameter is. */
  readonly doc: string;
  /** The base value (what a profile that does not set it gets). */
  readonly value: number;
  /** Where the base value comes from: "measured: …", "derived: …", "constant: …" or "estimate: why". */
  readonly source: string;
}

declare const COST: unique symbol;

/** A declared parameter; only `declareCosts` makes one. */
export type Cost<U extends CostUnit = CostUnit> = CostDef<U> & { readonly [COST]: true };

const NAME = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
const SOURCE = /^(estimate|measured|derived|constant|calibration)\b/;

/** Declares a group of parameters; returns one handle per key. */
export function declareCosts<const T extends Record<string, CostDef>>(defs: T): { readonly [K in keyof T]: Cost<T[K]['unit']> } {
  for (const d of Object.values(defs)) {
    if (!NAME.test(d.name)) throw new Error(`profile parameter name ${d.name} must be dotted lower-case`);
    if (!Number.isFinite(d.value) || d.value < 0) throw new Error(`profile parameter ${d.name}: base value must be a non-negative number`);
    if (!SOURCE.test(d.source)) throw new Error(`profile parameter ${d.name}: source must start with measured, derived, constant, calibration or estimate`);
    Object.freeze(d);
  }
  return Object.freeze(defs) as unknown as { readonly [K in keyof T]: Cost<T[K]['unit']> };
}

/**
 * Rank of each character a parameter name may hold (NAME) in ICU's root collation, which
 * localeCompare used here: '_' < '.' < digits < letters. Every such character has a primary
 * weight of its own, so comparing ranks character by character (a prefix first) gives
 * localeCompare's order without it: the first localeCompare of a process sets up ICU's collator,
 * 12-20 ms of every CLI run's start (all() runs when the engine's catalog is built).
 */
const RANK = new Int8Array(128).fill(-1);
'_.0123456789abcdefghijklmnopqrstuvwxyz'.split('').forEach((ch, i) => (RANK[ch.charCodeAt(0)] = i));

/** localeCompare's order of two parameter names (profile/params.test.ts checks it against localeCompare); any other character goes to localeCompare. */
export function compareParamNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const rx = x < 128 ? RANK[x]! : -1;
    const ry = y < 128 ? RANK[y]! : -1;
    if (rx < 0 || ry < 0) return a.localeCompare(b);
    return rx - ry;
  }
  return a.length - b.length;
}

/** Every declared parameter of a run's configuration (core plus registered models), by name. */
export class ParamCatalog {
  private readonly byName = new Map<string, Cost>();

  constructor(groups: readonly Readonly<Record<string, Cost>>[]) {
    for (const g of groups) {
      for (const c of Object.values(g)) {
        const prev = this.byName.get(c.name);
        if (prev !== undefined && prev !== c) throw new Error(`profile parameter ${c.name} declared twice`);
        this.byName.set(c.name, c);
      }
    }
  }

  get(name: string): Cost | undefined {
    return this.byName.get(name);
  }

  /** Sorted by name, in localeCompare's order (compareParamNames). */
  all(): Cost[] {
    return [...this.byName.values()].sort((a, b) => compareParamNames(a.name, b.name));
  }
}
