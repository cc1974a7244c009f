/**
 * A bounded LRU cache whose entries carry a tag (e.g. "VMID:ASID"), so that whole tags can be
 * dropped without scanning: the storage of the IOTLB, the walk caches and QEMU's software IOTLB.
 *
 * Models: capacity, least-recently-used replacement, invalidation by key, by tag or by a
 * predicate on tags. Does not model: set associativity (a fully associative approximation).
 */
export class TaggedCache<V> {
  private readonly entries = new Map<string, { tag: string; value: V }>();
  private readonly byTag = new Map<string, Set<string>>();
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`cache capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(tag: string, key: string): V | undefined {
    const k = `${tag}|${key}`;
    const e = this.entries.get(k);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.entries.delete(k);
    this.entries.set(k, e);
    this.hits++;
    return e.value;
  }

  /** Presence check that does not touch LRU order or hit counters. */
  has(tag: string, key: string): boolean {
    return this.entries.has(`${tag}|${key}`);
  }

  set(tag: string, key: string, value: V): void {
    const k = `${tag}|${key}`;
    if (this.entries.has(k)) this.entries.delete(k);
    else if (this.entries.size >= this.capacity) this.evictOldest();
    this.entries.set(k, { tag, value });
    let s = this.byTag.get(tag);
    if (s === undefined) this.byTag.set(tag, (s = new Set()));
    s.add(k);
  }

  delete(tag: string, key: string): boolean {
    const k = `${tag}|${key}`;
    if (!this.entries.delete(k)) return false;
    this.byTag.get(tag)?.delete(k);
    return true;
  }

  /** Tags with at least one entry. */
  tags(): string[] {
    return [...this.byTag.keys()].filter((t) => this.byTag.get(t)!.size > 0);
  }

  /** Drops every entry with this tag; returns how many. */
  deleteTag(tag: string): number {
    const s = this.byTag.get(tag);
    if (s === undefined) return 0;
    for (const k of s) this.entries.delete(k);
    this.byTag.delete(tag);
    return s.size;
  }

  /** Drops every entry whose tag satisfies `pred`. */
  deleteTags(pred: (tag: string) => boolean): number {
    let n = 0;
    for (const tag of [...this.byTag.keys()]) if (pred(tag)) n += this.deleteTag(tag);
    return n;
  }

  /** Drops entries of one tag whose key satisfies `pred`. */
  deleteWhere(tag: string, pred: (key: string, value: V) => boolean): number {
    const s = this.byTag.get(tag);
    if (s === undefined) return 0;
    let n = 0;
    const cut = tag.length + 1;
    for (const k of [...s]) {
      const e = this.entries.get(k)!;
      if (pred(k.slice(cut), e.value)) {
        this.entries.delete(k);
        s.delete(k);
        n++;
      }
    }
    return n;
  }

  clear(): number {
    const n = this.entries.size;
    this.entries.clear();
    this.byTag.clear();
    return n;
  }

  private evictOldest(): void {
    const first = this.entries.keys().next();
    if (first.done === true) return;
    const k = first.value;
    const e = this.entries.get(k)!;
    this.entries.delete(k);
    this.byTag.get(e.tag)?.delete(k);
    this.evictions++;
  }
}
