/**
 * A sparse map from integer keys (page or unit numbers) to values, stored as maximal extents
 * [start, end) of equal value in a balanced search tree (a treap with priorities hashed from the
 * extent's start, so the shape is deterministic). Keys never absent: every key in [0, limit) has
 * a value, the map starts as one extent of the initial value.
 *
 * Models: assignment and read-modify-write over a key range in O((k + 1) log n) for k extents
 * touched, adjacent equal extents merged, an exact running total of keys per value (so "how
 * many pages are in state X" is O(1) at every instant).
 * Does not model: anything about what the keys mean. Keys must stay below 2^53 (integers).
 *
 * Values are compared with ===, so use primitives (small integers, strings, bit sets).
 */

interface Node<V> {
  start: number;
  end: number;
  value: V;
  prio: number;
  left: Node<V> | null;
  right: Node<V> | null;
}

/** A 32-bit mix of the start key (deterministic priority; any avalanche hash works). */
function prio(key: number): number {
  let h = (key % 4294967296) ^ Math.floor(key / 4294967296);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

export interface Extent<V> {
  readonly start: number;
  readonly end: number;
  readonly value: V;
}

export class ExtentMap<V extends string | number | boolean> {
  private root: Node<V> | null;
  private nodes = 1;
  private readonly totals = new Map<V, number>();

  constructor(
    /** Keys are [0, limit). */
    readonly limit: number,
    initial: V,
  ) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`extent map limit must be a positive safe integer, got ${limit}`);
    this.root = { start: 0, end: limit, value: initial, prio: prio(0), left: null, right: null };
    this.totals.set(initial, limit);
  }

  /** Number of extents (tree nodes). */
  get extents(): number {
    return this.nodes;
  }

  /** Keys currently holding `value`. */
  count(value: V): number {
    return this.totals.get(value) ?? 0;
  }

  /** The value at `key`. */
  get(key: number): V {
    this.check(key, key + 1);
    let n = this.root;
    while (n !== null) {
      if (key < n.start) n = n.left;
      else if (key >= n.end) n = n.right;
      else return n.value;
    }
    throw new Error('extent map: key not covered (corrupt tree)');
  }

  /** The extents overlapping [start, end), clipped to it, in key order. */
  range(start: number, end: number): Extent<V>[] {
    this.check(start, end);
    const out: Extent<V>[] = [];
    const walk = (n: Node<V> | null): void => {
      if (n === null) return;
      if (start < n.start) walk(n.left);
      if (n.start < end && n.end > start) out.push({ start: Math.max(start, n.start), end: Math.min(end, n.end), value: n.value });
      if (end > n.end) walk(n.right);
    };
    walk(this.root);
    return out;
  }

  /** Keys in [start, end) whose value satisfies `pred`. */
  countIn(start: number, end: number, pred: (v: V) => boolean): number {
    let c = 0;
    for (const e of this.range(start, end)) if (pred(e.value)) c += e.end - e.start;
    return c;
  }

  /** Sets every key of [start, end) to `value`. */
  set(start: number, end: number, value: V): void {
    this.update(start, end, () => value);
  }

  /**
   * Replaces the value of every key in [start, end) with fn(old value); returns the extents as
   * they were before (clipped), so callers can account for what changed.
   */
  update(start: number, end: number, fn: (old: V) => V): Extent<V>[] {
    this.check(start, end);
    if (start === end) return [];
    this.cut(start);
    this.cut(end);
    const [left, rest] = this.split(this.root, start);
    const [mid, right] = this.split(rest, end);
    const before: Extent<V>[] = [];
    const collect = (n: Node<V> | null): void => {
      if (n === null) return;
      collect(n.left);
      before.push({ start: n.start, end: n.end, value: n.value });
      collect(n.right);
    };
    collect(mid);
    this.nodes -= before.length;
    let built: Node<V> | null = null;
    let run: { start: number; end: number; value: V } | null = null;
    const flush = (): void => {
      if (run === null) return;
      built = this.merge(built, this.leaf(run.start, run.end, run.value));
      run = null;
    };
    for (const e of before) {
      const v = fn(e.value);
      this.add(e.value, -(e.end - e.start));
      this.add(v, e.end - e.start);
      if (run !== null && run.value === v) run.end = e.end;
      else {
        flush();
        run = { start: e.start, end: e.end, value: v };
      }
    }
    flush();
    this.root = this.join(this.join(left, built), right);
    return before;
  }

  /** Checks the tree's invariants (ordered, contiguous, maximal, totals); for tests. */
  validate(): void {
    let next = 0;
    let prev: V | undefined;
    const seen = new Map<V, number>();
    let count = 0;
    const walk = (n: Node<V> | null, parentPrio: number): void => {
      if (n === null) return;
      if (n.prio > parentPrio) throw new Error('heap order broken');
      walk(n.left, n.prio);
      if (n.start !== next || n.end <= n.start) throw new Error(`extent [${n.start}, ${n.end}) after ${next}`);
      if (prev !== undefined && prev === n.value) throw new Error(`adjacent equal extents at ${n.start}`);
      prev = n.value;
      next = n.end;
      count++;
      seen.set(n.value, (seen.get(n.value) ?? 0) + n.end - n.start);
      walk(n.right, n.prio);
    };
    walk(this.root, Infinity);
    if (next !== this.limit) throw new Error(`coverage ends at ${next}, limit ${this.limit}`);
    if (count !== this.nodes) throw new Error(`node count ${this.nodes}, found ${count}`);
    for (const [v, c] of this.totals) if ((seen.get(v) ?? 0) !== c) throw new Error(`total of ${String(v)}: ${c} vs ${seen.get(v) ?? 0}`);
  }

  private add(v: V, n: number): void {
    const t = (this.totals.get(v) ?? 0) + n;
    if (t === 0) this.totals.delete(v);
    else this.totals.set(v, t);
  }

  private check(start: number, end: number): void {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end > this.limit || start > end) {
      throw new RangeError(`extent map range [${start}, ${end}) outside [0, ${this.limit})`);
    }
  }

  private leaf(start: number, end: number, value: V): Node<V> {
    this.nodes++;
    return { start, end, value, prio: prio(start), left: null, right: null };
  }

  /** Makes `at` an extent boundary: an extent straddling it becomes two (same value). */
  private cut(at: number): void {
    let n = this.root;
    while (n !== null) {
      if (at <= n.start) {
        if (at === n.start) return;
        n = n.left;
      } else if (at >= n.end) n = n.right;
      else break;
    }
    if (n === null) return;
    const tail = this.leaf(at, n.end, n.value);
    n.end = at;
    this.root = this.insert(this.root, tail);
  }

  /** Treap insertion of a node whose range is not covered by the tree. */
  private insert(t: Node<V> | null, node: Node<V>): Node<V> {
    if (t === null) return node;
    if (node.prio > t.prio) {
      const [l, r] = this.split(t, node.start);
      node.left = l;
      node.right = r;
      return node;
    }
    if (node.start < t.start) t.left = this.insert(t.left, node);
    else t.right = this.insert(t.right, node);
    return t;
  }

  /** Splits into keys < at and keys ≥ at; `at` must be an extent boundary (see cut). */
  private split(n: Node<V> | null, at: number): [Node<V> | null, Node<V> | null] {
    if (n === null) return [null, null];
    if (at <= n.start) {
      const [l, r] = this.split(n.left, at);
      n.left = r;
      return [l, n];
    }
    const [l, r] = this.split(n.right, at);
    n.right = l;
    return [n, r];
  }

  /** Merges two trees where every key of a precedes every key of b. */
  private merge(a: Node<V> | null, b: Node<V> | null): Node<V> | null {
    if (a === null) return b;
    if (b === null) return a;
    if (a.prio >= b.prio) {
      a.right = this.merge(a.right, b);
      return a;
    }
    b.left = this.merge(a, b.left);
    return b;
  }

  /** Merges, then coalesces the two extents that meet at the seam if their values are equal. */
  private join(a: Node<V> | null, b: Node<V> | null): Node<V> | null {
    if (a === null) return b;
    if (b === null) return a;
    let last = a;
    while (last.right !== null) last = last.right;
    let first = b;
    while (first.left !== null) first = first.left;
    if (last.value !== first.value) return this.merge(a, b);
    const end = first.end;
    const [, bRest] = this.split(b, end);
    this.nodes--;
    const [aHead] = this.split(a, last.start);
    this.nodes--;
    const joined = this.leaf(last.start, end, last.value);
    return this.merge(this.merge(aHead, joined), bRest);
  }
}
