/**
 * A bounded LRU cache whose entries carry a tag (e.g. VMID and ASID), so that whole tags can be
 * dropped without scanning: the storage of the IOTLB, the walk caches and QEMU's software IOTLB.
 *
 * Models: capacity, least-recently-used replacement, invalidation by key, by tag or by a
 * predicate on tags. Does not model: set associativity (a fully associative approximation).
 *
 * As a structure (gem5's style): tags and keys are non-negative integers (< 2^53), values
 * numbers; entries live in slots of typed arrays — an open-addressed hash index (linear
 * probing, deletion by backward shift), a doubly linked recency list and one linked list per
 * tag — so a lookup, insertion or invalidation allocates nothing. The slots double as entries
 * arrive, up to the capacity (memory follows the entries held, as the Map it replaced did).
 */

const NIL = -1;

/** The entries of one tag: the head of its slot list and how many there are. */
interface TagList {
  head: number;
  count: number;
}

/** Slots a cache starts with; it doubles up to its capacity as entries arrive (a 2^20-entry TLB costs memory only once filled). */
const INITIAL_SLOTS = 256;

export class TaggedCache {
  private tagOf!: Float64Array;
  private keyOf!: Float64Array;
  private valueOf!: Float64Array;
  /** Recency list: older → newer; `lru` is the oldest slot, `mru` the newest. */
  private older!: Int32Array;
  private newer!: Int32Array;
  private lru = NIL;
  private mru = NIL;
  /** Per-tag slot lists (unordered). */
  private tagPrev!: Int32Array;
  private tagNext!: Int32Array;
  private readonly byTag = new Map<number, TagList>();
  /** Hash index: slot + 1, 0 when empty; a power of two at least twice the slots. */
  private index!: Int32Array;
  private mask = 0;
  /** Where each slot sits in the index (for deletion). */
  private indexAt!: Int32Array;
  /** Released slots (a stack), and the next never-used slot. */
  private free!: Int32Array;
  private freeTop = 0;
  private fresh = 0;
  private slots = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`cache capacity must be a positive integer, got ${capacity}`);
    this.allocate(Math.min(capacity, INITIAL_SLOTS));
  }

  get size(): number {
    return this.count;
  }

  /** The value, made most recently used; undefined on a miss. */
  get(tag: number, key: number): number | undefined {
    const s = this.find(tag, key);
    if (s === NIL) return undefined;
    this.touch(s);
    return this.valueOf[s]!;
  }

  /** Presence check that does not touch LRU order or hit counters. */
  has(tag: number, key: number): boolean {
    return this.find(tag, key) !== NIL;
  }

  /**
   * Whether the entry `depth` places below the most recently used one (0: that one) is
   * (tag, key) holding `value`; reads the recency list only (no lookup, no LRU change). A caller
   * about to set() entries that already are the newest ones, in that order, with those values can
   * skip the sets: they would leave the cache exactly as it is.
   */
  newestIs(depth: number, tag: number, key: number, value: number): boolean {
    let s = this.mru;
    for (let d = 0; d < depth && s !== NIL; d++) s = this.older[s]!;
    return s !== NIL && this.keyOf[s] === key && this.tagOf[s] === tag && this.valueOf[s] === value;
  }

  /** Inserts or replaces (most recently used either way), evicting the least recently used entry when full. */
  set(tag: number, key: number, value: number): void {
    let s = this.find(tag, key);
    if (s !== NIL) {
      this.valueOf[s] = value;
      this.touch(s);
      return;
    }
    if (this.count >= this.capacity) this.evictOldest();
    if (this.freeTop === 0 && this.fresh === this.slots) this.allocate(Math.min(this.capacity, this.slots * 2));
    s = this.freeTop > 0 ? this.free[--this.freeTop]! : this.fresh++;
    this.tagOf[s] = tag;
    this.keyOf[s] = key;
    this.valueOf[s] = value;
    this.count++;
    // Index.
    let i = this.hash(tag, key);
    while (this.index[i] !== 0) i = (i + 1) & this.mask;
    this.index[i] = s + 1;
    this.indexAt[s] = i;
    // Newest in recency order.
    this.older[s] = this.mru;
    this.newer[s] = NIL;
    if (this.mru !== NIL) this.newer[this.mru] = s;
    else this.lru = s;
    this.mru = s;
    // Tag list.
    let t = this.byTag.get(tag);
    if (t === undefined) this.byTag.set(tag, (t = { head: NIL, count: 0 }));
    this.tagPrev[s] = NIL;
    this.tagNext[s] = t.head;
    if (t.head !== NIL) this.tagPrev[t.head] = s;
    t.head = s;
    t.count++;
  }

  delete(tag: number, key: number): boolean {
    const s = this.find(tag, key);
    if (s === NIL) return false;
    this.remove(s);
    return true;
  }

  /** Tags with at least one entry. */
  tags(): number[] {
    const out: number[] = [];
    for (const [tag, t] of this.byTag) if (t.count > 0) out.push(tag);
    return out;
  }

  /** Entries with this tag. */
  countOf(tag: number): number {
    return this.byTag.get(tag)?.count ?? 0;
  }

  /** Drops every entry with this tag; returns how many. */
  deleteTag(tag: number): number {
    const t = this.byTag.get(tag);
    if (t === undefined) return 0;
    const n = t.count;
    while (t.head !== NIL) this.remove(t.head);
    this.byTag.delete(tag);
    return n;
  }

  /** Drops every entry whose tag satisfies `pred`. */
  deleteTags(pred: (tag: number) => boolean): number {
    let n = 0;
    for (const tag of [...this.byTag.keys()]) if (pred(tag)) n += this.deleteTag(tag);
    return n;
  }

  /** Drops the entries of one tag whose key lies in [lo, hi); returns how many. */
  deleteKeyRange(tag: number, lo: number, hi: number): number {
    const t = this.byTag.get(tag);
    if (t === undefined) return 0;
    let n = 0;
    if (hi - lo <= t.count) {
      for (let k = lo; k < hi; k++) if (this.delete(tag, k)) n++;
      return n;
    }
    let s = t.head;
    while (s !== NIL) {
      const next = this.tagNext[s]!;
      const k = this.keyOf[s]!;
      if (k >= lo && k < hi) {
        this.remove(s);
        n++;
      }
      s = next;
    }
    return n;
  }

  clear(): number {
    const n = this.count;
    while (this.mru !== NIL) this.remove(this.mru);
    this.byTag.clear();
    return n;
  }

  /** (Re)allocates the slot arrays for `slots` entries, keeping every entry and its links, and rebuilds the index. */
  private allocate(slots: number): void {
    const grow = <A extends Float64Array | Int32Array>(old: A | undefined, make: (n: number) => A): A => {
      const a = make(slots);
      if (old !== undefined) a.set(old);
      return a;
    };
    const f64 = (n: number): Float64Array => new Float64Array(n);
    const i32 = (n: number): Int32Array => new Int32Array(n);
    const first = this.slots === 0;
    this.tagOf = grow(first ? undefined : this.tagOf, f64);
    this.keyOf = grow(first ? undefined : this.keyOf, f64);
    this.valueOf = grow(first ? undefined : this.valueOf, f64);
    this.older = grow(first ? undefined : this.older, i32);
    this.newer = grow(first ? undefined : this.newer, i32);
    this.tagPrev = grow(first ? undefined : this.tagPrev, i32);
    this.tagNext = grow(first ? undefined : this.tagNext, i32);
    this.indexAt = grow(first ? undefined : this.indexAt, i32);
    this.free = grow(first ? undefined : this.free, i32);
    this.slots = slots;
    let size = 2;
    while (size < slots * 2) size *= 2;
    this.index = new Int32Array(size);
    this.mask = size - 1;
    // Every live slot is on the recency list.
    for (let s = this.lru; s !== NIL; s = this.newer[s]!) {
      let i = this.hash(this.tagOf[s]!, this.keyOf[s]!);
      while (this.index[i] !== 0) i = (i + 1) & this.mask;
      this.index[i] = s + 1;
      this.indexAt[s] = i;
    }
  }

  private hash(tag: number, key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi + (tag >>> 0), 0x85ebca77) ^ Math.imul((tag / 4294967296) >>> 0, 0xc2b2ae3d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h & this.mask;
  }

  private find(tag: number, key: number): number {
    let i = this.hash(tag, key);
    for (;;) {
      const e = this.index[i]!;
      if (e === 0) return NIL;
      const s = e - 1;
      if (this.keyOf[s] === key && this.tagOf[s] === tag) return s;
      i = (i + 1) & this.mask;
    }
  }

  /** Makes slot `s` the most recently used. */
  private touch(s: number): void {
    if (s === this.mru) return;
    const o = this.older[s]!;
    const nw = this.newer[s]!;
    if (o !== NIL) this.newer[o] = nw;
    else this.lru = nw;
    this.older[nw] = o;
    this.older[s] = this.mru;
    this.newer[s] = NIL;
    this.newer[this.mru] = s;
    this.mru = s;
  }

  private remove(s: number): void {
    // Recency list.
    const o = this.older[s]!;
    const nw = this.newer[s]!;
    if (o !== NIL) this.newer[o] = nw;
    else this.lru = nw;
    if (nw !== NIL) this.older[nw] = o;
    else this.mru = o;
    // Tag list.
    const t = this.byTag.get(this.tagOf[s]!)!;
    const tp = this.tagPrev[s]!;
    const tn = this.tagNext[s]!;
    if (tp !== NIL) this.tagNext[tp] = tn;
    else t.head = tn;
    if (tn !== NIL) this.tagPrev[tn] = tp;
    // An emptied tag keeps its record (deleteTag drops it): a tag whose one page is invalidated
    // and refilled on every DMA would otherwise churn the map.
    t.count--;
    // Index: backward-shift deletion keeps every probe chain unbroken.
    const idx = this.index;
    const mask = this.mask;
    let hole = this.indexAt[s]!;
    idx[hole] = 0;
    let i = (hole + 1) & mask;
    while (idx[i] !== 0) {
      const m = idx[i]! - 1;
      const home = this.hash(this.tagOf[m]!, this.keyOf[m]!);
      // Move m into the hole when its home is not cyclically in (hole, i].
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        idx[hole] = m + 1;
        this.indexAt[m] = hole;
        idx[i] = 0;
        hole = i;
      }
      i = (i + 1) & mask;
    }
    this.free[this.freeTop++] = s;
    this.count--;
  }

  private evictOldest(): void {
    if (this.lru !== NIL) this.remove(this.lru);
  }
}
