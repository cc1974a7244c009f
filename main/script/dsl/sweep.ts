/**
 * Sweep expansion: grid blocks (every combination) and zip blocks (the i-th values together),
 * combined as a product, with `--set` overrides and filters. Pure; runs inside the sandbox.
 */

import type { SweepValue } from './experiment';
/** One combination of sweep parameter values. */
export type Point = Record<string, SweepValue>;

export interface SweepBlock {
  kind: 'grid' | 'zip';
  axes: Record<string, readonly SweepValue[]>;
}

/** Rows of one block, in declaration order (a grid's first axis varies slowest). */
function blockRows(block: SweepBlock, sets: ReadonlyMap<string, SweepValue>, used: Set<string>): Point[] {
  const keys = Object.keys(block.axes);
  let rows: Point[];
  if (block.kind === 'grid') {
    rows = [{}];
    for (const k of keys) {
      const values = sets.has(k) ? [sets.get(k)!] : block.axes[k]!;
      rows = rows.flatMap((r) => values.map((v) => ({ ...r, [k]: v })));
    }
  } else {
    const n = block.axes[keys[0]!]!.length;
    rows = Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k) => [k, block.axes[k]![i]!])));
    // A set value that a row has selects those rows; a new value replaces the parameter in every row.
    for (const k of keys) {
      if (!sets.has(k)) continue;
      const v = sets.get(k)!;
      const matching = rows.filter((r) => r[k] === v);
      rows = matching.length > 0 ? matching : rows.map((r) => ({ ...r, [k]: v }));
    }
    const seen = new Set<string>();
    rows = rows.filter((r) => {
      const key = JSON.stringify(r);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  for (const k of keys) if (sets.has(k)) used.add(k);
  return rows;
}

/** Every point of the sweep, in a fixed order; `used` receives the `--set` keys that named a parameter. */
export function expandPoints(
  blocks: readonly SweepBlock[],
  filters: readonly ((p: Point) => boolean)[],
  sets: ReadonlyMap<string, SweepValue>,
  used: Set<string>,
): Point[] {
  let points: Point[] = [{}];
  for (const b of blocks) {
    const rows = blockRows(b, sets, used);
    points = points.flatMap((p) => rows.map((r) => ({ ...p, ...r })));
  }
  return points.filter((p) => filters.every((f) => f(p) === true));
}

/** Checks a block when it is declared, so the error points at the `.grid()` / `.zip()` call. */
export function checkBlock(block: SweepBlock, taken: ReadonlySet<string>): void {
  const keys = Object.keys(block.axes);
  if (keys.length === 0) throw new Error(`.${block.kind}() needs at least one parameter`);
  for (const k of keys) {
    if (taken.has(k)) throw new Error(`sweep parameter "${k}" is declared twice`);
    const values = block.axes[k];
    if (!Array.isArray(values) || values.length === 0) throw new Error(`sweep parameter "${k}" needs a non-empty array of values`);
    for (const v of values) {
      if (!['number', 'string', 'boolean'].includes(typeof v)) throw new Error(`sweep parameter "${k}": values must be numbers, strings or booleans`);
    }
  }
  if (block.kind === 'zip') {
    const n = block.axes[keys[0]!]!.length;
    const bad = keys.find((k) => block.axes[k]!.length !== n);
    if (bad !== undefined) throw new Error(`.zip(): "${bad}" has ${block.axes[bad]!.length} values but "${keys[0]}" has ${n}; zipped parameters need the same number`);
  }
}
