/**
 * The red-black tree of allocated IOVA ranges [lo, hi] (page frame numbers), keyed by lo, as
 * Linux's iova_domain.rbroot holds them: O(log n) insert, erase and lookup, O(1) amortised
 * neighbour steps (rb_prev / rb_next), which the allocator's top-down walk uses.
 *
 * Storage: structure-of-arrays in typed arrays (29 bytes per node, grown by doubling; freed nodes
 * are reused), so a million live ranges are a few typed arrays for the garbage collector, not a
 * million objects. Node 0 is the black NIL sentinel (CLRS). Nodes are relinked, never copied, on
 * erase, so a node id held by the caller (Linux's cached_node) stays valid until that node is
 * erased. Pure data: no time.
 */

export const NIL = 0;
const RED = 0;
const BLACK = 1;

export class IovaTree {
  lo: Float64Array;
  hi: Float64Array;
  private left: Int32Array;
  private right: Int32Array;
  private parent: Int32Array;
  private color: Uint8Array;
  private root = NIL;
  private nextFresh = 1;
  /** Head of the list of erased node ids (linked through `left`). */
  private freeHead = NIL;
  private count = 0;

  constructor(capacity = 1024) {
    this.lo = new Float64Array(capacity);
    this.hi = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.color = new Uint8Array(capacity).fill(BLACK);
  }

  /** Ranges in the tree. */
  get size(): number {
    return this.count;
  }

  /** Bytes of the node arrays allocated (the simulator's memory, for benchmarks). */
  get storageBytes(): number {
    return this.lo.length * (8 + 8 + 4 + 4 + 4 + 1);
  }

  /**
   * Inserts [lo, hi] (not overlapping any range present) and returns its node. `hint` is a node
   * whose subtree holds the new range's slot (iova_insert_rbtree's start: the range just above a
   * slot the allocator found); the descent starts there instead of at the root.
   */
  insert(lo: number, hi: number, hint = NIL): number {
    const z = this.allocNode();
    this.lo[z] = lo;
    this.hi[z] = hi;
    let y = hint === NIL ? NIL : this.parent[hint]!;
    let x = hint === NIL ? this.root : hint;
    while (x !== NIL) {
      y = x;
      x = lo < this.lo[x]! ? this.left[x]! : this.right[x]!;
    }
    this.parent[z] = y;
    if (y === NIL) this.root = z;
    else if (lo < this.lo[y]!) this.left[y] = z;
    else this.right[y] = z;
    this.left[z] = NIL;
    this.right[z] = NIL;
    this.color[z] = RED;
    this.insertFixup(z);
    this.count++;
    return z;
  }

  /** Removes node z. */
  erase(z: number): void {
    let y = z;
    let yColor = this.color[y]!;
    let x: number;
    if (this.left[z] === NIL) {
      x = this.right[z]!;
      this.transplant(z, x);
    } else if (this.right[z] === NIL) {
      x = this.left[z]!;
      this.transplant(z, x);
    } else {
      y = this.minimum(this.right[z]!);
      yColor = this.color[y]!;
      x = this.right[y]!;
      if (this.parent[y] === z) this.parent[x] = y;
      else {
        this.transplant(y, x);
        this.right[y] = this.right[z]!;
        this.parent[this.right[y]!] = y;
      }
      this.transplant(z, y);
      this.left[y] = this.left[z]!;
      this.parent[this.left[y]!] = y;
      this.color[y] = this.color[z]!;
    }
    if (yColor === BLACK) this.deleteFixup(x);
    this.color[NIL] = BLACK;
    this.left[z] = this.freeHead;
    this.freeHead = z;
    this.count--;
  }

  /** The node whose range contains `pfn`, or NIL (private_find_iova). */
  find(pfn: number): number {
    let x = this.root;
    while (x !== NIL) {
      if (pfn < this.lo[x]!) x = this.left[x]!;
      else if (pfn > this.hi[x]!) x = this.right[x]!;
      else return x;
    }
    return NIL;
  }

  /** The lowest node with lo ≥ `pfn`, or NIL. */
  ceiling(pfn: number): number {
    let x = this.root;
    let best = NIL;
    while (x !== NIL) {
      if (this.lo[x]! >= pfn) {
        best = x;
        x = this.left[x]!;
      } else x = this.right[x]!;
    }
    return best;
  }

  /** In-order predecessor (rb_prev), or NIL. */
  prev(x: number): number {
    if (this.left[x] !== NIL) return this.maximum(this.left[x]!);
    let y = this.parent[x]!;
    while (y !== NIL && x === this.left[y]) {
      x = y;
      y = this.parent[y]!;
    }
    return y;
  }

  /** In-order successor (rb_next), or NIL. */
  next(x: number): number {
    if (this.right[x] !== NIL) return this.minimum(this.right[x]!);
    let y = this.parent[x]!;
    while (y !== NIL && x === this.right[y]) {
      x = y;
      y = this.parent[y]!;
    }
    return y;
  }

  /** Every range in order, for tests: [lo, hi] pairs. */
  ranges(): [number, number][] {
    const out: [number, number][] = [];
    for (let x = this.root === NIL ? NIL : this.minimum(this.root); x !== NIL; x = this.next(x)) out.push([this.lo[x]!, this.hi[x]!]);
    return out;
  }

  /** Checks the red-black invariants (tests): returns the black height. */
  check(): number {
    const walk = (x: number): number => {
      if (x === NIL) return 1;
      const l = this.left[x]!;
      const r = this.right[x]!;
      if (this.color[x] === RED && (this.color[l] === RED || this.color[r] === RED)) throw new Error(`red node ${x} has a red child`);
      if (l !== NIL && (this.parent[l] !== x || this.lo[l]! >= this.lo[x]!)) throw new Error(`bad left link at ${x}`);
      if (r !== NIL && (this.parent[r] !== x || this.lo[r]! <= this.lo[x]!)) throw new Error(`bad right link at ${x}`);
      const hl = walk(l);
      if (hl !== walk(r)) throw new Error(`unequal black heights under ${x}`);
      return hl + (this.color[x] === BLACK ? 1 : 0);
    };
    if (this.color[this.root] !== BLACK) throw new Error('red root');
    return walk(this.root);
  }

  private minimum(x: number): number {
    while (this.left[x] !== NIL) x = this.left[x]!;
    return x;
  }

  private maximum(x: number): number {
    while (this.right[x] !== NIL) x = this.right[x]!;
    return x;
  }

  private allocNode(): number {
    if (this.freeHead !== NIL) {
      const z = this.freeHead;
      this.freeHead = this.left[z]!;
      return z;
    }
    if (this.nextFresh === this.lo.length) this.grow();
    return this.nextFresh++;
  }

  private grow(): void {
    const n = this.lo.length * 2;
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.lo = f64(this.lo);
    this.hi = f64(this.hi);
    this.left = i32(this.left);
    this.right = i32(this.right);
    this.parent = i32(this.parent);
    const c = new Uint8Array(n).fill(BLACK);
    c.set(this.color);
    this.color = c;
  }

  private rotateLeft(x: number): void {
    const y = this.right[x]!;
    this.right[x] = this.left[y]!;
    if (this.left[y] !== NIL) this.parent[this.left[y]!] = x;
    this.parent[y] = this.parent[x]!;
    const p = this.parent[x]!;
    if (p === NIL) this.root = y;
    else if (x === this.left[p]) this.left[p] = y;
    else this.right[p] = y;
    this.left[y] = x;
    this.parent[x] = y;
  }

  private rotateRight(x: number): void {
    const y = this.left[x]!;
    this.left[x] = this.right[y]!;
    if (this.right[y] !== NIL) this.parent[this.right[y]!] = x;
    this.parent[y] = this.parent[x]!;
    const p = this.parent[x]!;
    if (p === NIL) this.root = y;
    else if (x === this.right[p]) this.right[p] = y;
    else this.left[p] = y;
    this.right[y] = x;
    this.parent[x] = y;
  }

  private insertFixup(z: number): void {
    while (this.color[this.parent[z]!] === RED) {
      const p = this.parent[z]!;
      const g = this.parent[p]!;
      if (p === this.left[g]) {
        const u = this.right[g]!;
        if (this.color[u] === RED) {
          this.color[p] = BLACK;
          this.color[u] = BLACK;
          this.color[g] = RED;
          z = g;
        } else {
          if (z === this.right[p]) {
            z = p;
            this.rotateLeft(z);
          }
          this.color[this.parent[z]!] = BLACK;
          this.color[this.parent[this.parent[z]!]!] = RED;
          this.rotateRight(this.parent[this.parent[z]!]!);
        }
      } else {
        const u = this.left[g]!;
        if (this.color[u] === RED) {
          this.color[p] = BLACK;
          this.color[u] = BLACK;
          this.color[g] = RED;
          z = g;
        } else {
          if (z === this.left[p]) {
            z = p;
            this.rotateRight(z);
          }
          this.color[this.parent[z]!] = BLACK;
          this.color[this.parent[this.parent[z]!]!] = RED;
          this.rotateLeft(this.parent[this.parent[z]!]!);
        }
      }
    }
    this.color[this.root] = BLACK;
  }

  private transplant(u: number, v: number): void {
    const p = this.parent[u]!;
    if (p === NIL) this.root = v;
    else if (u === this.left[p]) this.left[p] = v;
    else this.right[p] = v;
    this.parent[v] = p;
  }

  private deleteFixup(x: number): void {
    while (x !== this.root && this.color[x] === BLACK) {
      const p = this.parent[x]!;
      if (x === this.left[p]) {
        let w = this.right[p]!;
        if (this.color[w] === RED) {
          this.color[w] = BLACK;
          this.color[p] = RED;
          this.rotateLeft(p);
          w = this.right[this.parent[x]!]!;
        }
        if (this.color[this.left[w]!] === BLACK && this.color[this.right[w]!] === BLACK) {
          this.color[w] = RED;
          x = this.parent[x]!;
        } else {
          if (this.color[this.right[w]!] === BLACK) {
            this.color[this.left[w]!] = BLACK;
            this.color[w] = RED;
            this.rotateRight(w);
            w = this.right[this.parent[x]!]!;
          }
          this.color[w] = this.color[this.parent[x]!]!;
          this.color[this.parent[x]!] = BLACK;
          this.color[this.right[w]!] = BLACK;
          this.rotateLeft(this.parent[x]!);
          x = this.root;
        }
      } else {
        let w = this.left[p]!;
        if (this.color[w] === RED) {
          this.color[w] = BLACK;
          this.color[p] = RED;
          this.rotateRight(p);
          w = this.left[this.parent[x]!]!;
        }
        if (this.color[this.right[w]!] === BLACK && this.color[this.left[w]!] === BLACK) {
          this.color[w] = RED;
          x = this.parent[x]!;
        } else {
          if (this.color[this.left[w]!] === BLACK) {
            this.color[this.right[w]!] = BLACK;
            this.color[w] = RED;
            this.rotateLeft(w);
            w = this.left[this.parent[x]!]!;
          }
          this.color[w] = this.color[this.parent[x]!]!;
          this.color[this.parent[x]!] = BLACK;
          this.color[this.left[w]!] = BLACK;
          this.rotateRight(this.parent[x]!);
          x = this.root;
        }
      }
    }
    this.color[x] = BLACK;
  }
}
