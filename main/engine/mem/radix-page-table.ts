/**
 * A multi-level radix page table with a 4 KiB granule and 512 eight-byte descriptors per table
 * page (Arm VMSAv8-64 / Intel second-level shape), allocated on touch.
 *
 * Models: table pages with real addresses (from the caller's allocator, in whichever address
 * space the table lives: guest IPA for a guest stage 1, host PA for a stage 2), page and block
 * leaves (4 KiB at the last level, 2 MiB one level up, 1 GiB two levels up), the descriptor
 * address read at each level of a walk, and exact memory (4 KiB per table page).
 * Does not model: permissions beyond present/absent, contiguous hints, 16/64 KiB granules,
 * freeing table pages on unmap (Linux io-pgtable keeps them until the domain dies).
 */

export const GRANULE_SHIFT = 12;
export const GRANULE = 1 << GRANULE_SHIFT;
const BITS_PER_LEVEL = 9;
const ENTRIES = 1 << BITS_PER_LEVEL;
const EMPTY = -1;

interface TableNode {
  readonly addr: number;
  children: (TableNode | undefined)[] | null;
  /** Output address of a leaf descriptor per slot, EMPTY when the slot holds no leaf. */
  leaves: Float64Array | null;
}

/** One step of a walk: the address of the descriptor read and the level it belongs to. */
export interface WalkStep {
  readonly level: number;
  readonly descAddr: number;
  /** Address of the table page this descriptor sits in. */
  readonly tableAddr: number;
}

export interface WalkResult {
  readonly steps: WalkStep[];
  /** Output address, or null when the walk ended at an invalid descriptor. */
  readonly out: number | null;
  /** Size of the leaf that translated (4 KiB, 2 MiB, 1 GiB), 0 on a miss. */
  readonly leafSize: number;
}

/** One descriptor read of a range scan (see RadixPageTable.scan). */
export interface ScanStep {
  readonly kind: 'leaf' | 'empty' | 'table';
  readonly level: number;
  /** First input address of the slot. */
  readonly va: number;
  /** Input bytes the slot covers. */
  readonly span: number;
  /** Leaf: output address of the slot's base; table: the next table's address; empty: 0. */
  readonly out: number;
}

export class RadixPageTable {
  private readonly rootNode: TableNode;
  private pages = 0;
  /** Leaf descriptors currently valid. */
  leafCount = 0;

  /** Input bytes one slot covers at each level (precomputed: walks ask for it at every step). */
  private readonly spans: number[];
  /** One past the highest input address (2^inputBits: `**` is a Math.pow call on every map). */
  private readonly inputLimit: number;
  /** The tables the last descend() read, root first (pathTable). */
  private readonly path: Float64Array;
  /** How many tables the last descend() read: its walk read descriptors at levels 0 … pathDepth − 1. */
  pathDepth = 0;

  constructor(
    readonly levels: number,
    private readonly allocTablePage: () => number,
  ) {
    if (!Number.isInteger(levels) || levels < 1 || levels > 5) throw new RangeError(`page table levels must be 1..5, got ${levels}`);
    this.spans = Array.from({ length: levels }, (_, level) => 2 ** (GRANULE_SHIFT + BITS_PER_LEVEL * (levels - 1 - level)));
    this.inputLimit = 2 ** (GRANULE_SHIFT + BITS_PER_LEVEL * levels);
    this.path = new Float64Array(levels);
    this.rootNode = this.newNode();
  }

  get root(): number {
    return this.rootNode.addr;
  }

  /** Table pages allocated. */
  get tablePages(): number {
    return this.pages;
  }

  /** Exact memory of the table: one granule per table page. */
  get bytes(): number {
    return this.pages * GRANULE;
  }

  /** Bytes of input address space one leaf at `level` covers. */
  leafSpan(level: number): number {
    return this.spans[level]!;
  }

  /** Input address bits this table translates. */
  get inputBits(): number {
    return GRANULE_SHIFT + BITS_PER_LEVEL * this.levels;
  }

  /**
   * Maps [va, va+size) → [pa, pa+size) with leaves of `leafSize` (4 KiB, 2 MiB or 1 GiB).
   * va, pa and size must be multiples of leafSize. Returns the number of leaf descriptors written.
   */
  map(va: number, pa: number, size: number, leafSize = GRANULE): number {
    // One 4 KiB page (every map of a map-bench iteration): one descent, what fill does for it.
    if (size === GRANULE && leafSize === GRANULE && offsetIn(va, GRANULE) === 0 && offsetIn(pa, GRANULE) === 0 && va + size <= this.inputLimit) return this.setPage(va, pa);
    return this.mapRange(va, pa, size, leafSize);
  }

  /** map() through the general recursive fill, for any range (map takes a shortcut for one page; tests compare the two). */
  mapRange(va: number, pa: number, size: number, leafSize = GRANULE): number {
    const leafLevel = this.levelOfLeaf(leafSize);
    if (offsetIn(va, leafSize) !== 0 || offsetIn(pa, leafSize) !== 0 || offsetIn(size, leafSize) !== 0 || size <= 0) {
      throw new RangeError(`map: va, pa and size must be positive multiples of the leaf size ${leafSize}`);
    }
    if (va + size > this.inputLimit) throw new RangeError(`map: range ends beyond the ${this.inputBits}-bit input space`);
    return this.fill(this.rootNode, 0, leafLevel, va, va + size, pa - va);
  }

  /** Clears every leaf intersecting [va, va+size); returns the number of leaf descriptors cleared. */
  unmap(va: number, size: number): number {
    // One aligned 4 KiB page lies in one slot at every level: one descent, what clear does for it.
    if (size === GRANULE && offsetIn(va, GRANULE) === 0) return this.clearPage(va, true);
    return this.unmapRange(va, size);
  }

  /** unmap() through the general recursive clear (unmap takes a shortcut for one page; tests compare the two). */
  unmapRange(va: number, size: number): number {
    return this.clear(this.rootNode, 0, va, va + size, true);
  }

  /** The leaf descriptors unmap(va, size) would clear, nothing cleared. */
  leavesIn(va: number, size: number): number {
    if (size === GRANULE && offsetIn(va, GRANULE) === 0) return this.clearPage(va, false);
    return this.clear(this.rootNode, 0, va, va + size, false);
  }

  /**
   * One descent for `va` that both translates and records the tables it reads: returns what
   * translate(va) returns, and leaves pathDepth (the tables read: the walk reads descriptors at
   * levels 0 … pathDepth − 1, so the deepest level whose table exists on the path is pathDepth − 1)
   * and pathTable(level) (what tableAt(va, level) gives for those levels). No allocation.
   */
  descend(va: number): number | null {
    let node: TableNode = this.rootNode;
    const path = this.path;
    const spans = this.spans;
    const last = this.levels - 1;
    for (let level = 0; ; level++) {
      path[level] = node.addr;
      const span = spans[level]!;
      const idx = slotOf(va, span);
      const leaf = node.leaves === null ? EMPTY : node.leaves[idx]!;
      if (leaf !== EMPTY) {
        this.pathDepth = level + 1;
        return leaf + offsetIn(va, span);
      }
      const child = level < last && node.children !== null ? node.children[idx] : undefined;
      if (child === undefined) {
        this.pathDepth = level + 1;
        return null;
      }
      node = child;
    }
  }

  /** The table the last descend() read at `level` (< pathDepth). */
  pathTable(level: number): number {
    if (!(level >= 0 && level < this.pathDepth)) throw new RangeError(`pathTable(${level}): the last descent read ${this.pathDepth} tables`);
    return this.path[level]!;
  }

  /** The walk a hardware or software walker performs for `va`: each descriptor read in order. */
  walk(va: number): WalkResult {
    const steps: WalkStep[] = [];
    let node: TableNode | undefined = this.rootNode;
    for (let level = 0; level < this.levels && node !== undefined; level++) {
      const idx = this.index(va, level);
      steps.push({ level, descAddr: node.addr + idx * 8, tableAddr: node.addr });
      const leaf = node.leaves?.[idx] ?? EMPTY;
      if (leaf !== EMPTY) {
        const span = this.leafSpan(level);
        return { steps, out: leaf + offsetIn(va, span), leafSize: span };
      }
      node = node.children?.[idx];
    }
    return { steps, out: null, leafSize: 0 };
  }

  /** The output address for `va`, or null. */
  translate(va: number): number | null {
    // The walk without recording its steps (no allocation: devices translate on every access).
    let node: TableNode | undefined = this.rootNode;
    for (let level = 0; level < this.levels && node !== undefined; level++) {
      const idx = this.index(va, level);
      const leaf = node.leaves?.[idx] ?? EMPTY;
      if (leaf !== EMPTY) return leaf + offsetIn(va, this.leafSpan(level));
      node = node.children?.[idx];
    }
    return null;
  }

  /**
   * A software walker's pass over [start, end) (QEMU's vtd_page_walk): in address order, one
   * step per descriptor it reads — every slot of every table it descends into that intersects
   * the range. A step is a leaf (its input base, span and output base), an empty slot (its
   * span; the walker learns nothing is mapped there), or a table pointer it then descends.
   */
  *scan(start: number, end: number): Generator<ScanStep> {
    if (end > start) yield* this.scanNode(this.rootNode, 0, start, Math.min(end, this.inputLimit));
  }

  /** The table page reached after `level` steps of the walk for `va` (level 0 = root), or null. */
  tableAt(va: number, level: number): number | null {
    let node: TableNode | undefined = this.rootNode;
    for (let l = 0; l < level; l++) {
      node = node?.children?.[this.index(va, l)];
      if (node === undefined) return null;
    }
    return node.addr;
  }

  private *scanNode(root: TableNode, rootLevel: number, start: number, end: number): Generator<ScanStep> {
    // Iterative descent with an explicit stack: one generator however deep the table.
    const nodes: TableNode[] = [root];
    const next: number[] = [Math.floor(start / this.leafSpan(rootLevel)) * this.leafSpan(rootLevel)];
    const ends: number[] = [end];
    while (nodes.length > 0) {
      const d = nodes.length - 1;
      const level = rootLevel + d;
      const node = nodes[d]!;
      const va = next[d]!;
      if (va >= ends[d]!) {
        nodes.pop();
        next.pop();
        ends.pop();
        continue;
      }
      const span = this.spans[level]!;
      next[d] = va + span;
      const idx = slotOf(va, span);
      const leaf = node.leaves === null ? EMPTY : node.leaves[idx]!;
      const child = node.children?.[idx];
      if (leaf !== EMPTY) yield { kind: 'leaf', level, va, span, out: leaf };
      else if (child === undefined) yield { kind: 'empty', level, va, span, out: 0 };
      else {
        yield { kind: 'table', level, va, span, out: child.addr };
        nodes.push(child);
        const childSpan = this.spans[level + 1]!;
        next.push(Math.floor(Math.max(start, va) / childSpan) * childSpan);
        ends.push(Math.min(ends[d]!, va + span));
      }
    }
  }

  private levelOfLeaf(leafSize: number): number {
    for (let level = this.levels - 1; level >= Math.max(0, this.levels - 3); level--) {
      if (this.leafSpan(level) === leafSize) return level;
    }
    throw new RangeError(`leaf size ${leafSize} is not a page or block size of a ${this.levels}-level table`);
  }

  private index(va: number, level: number): number {
    return slotOf(va, this.leafSpan(level));
  }

  private newNode(): TableNode {
    this.pages++;
    return { addr: this.allocTablePage(), children: null, leaves: null };
  }

  /** fill() for one 4 KiB page at the last level: the same tables made in the same order, the same checks. */
  private setPage(va: number, pa: number): number {
    const last = this.levels - 1;
    let node = this.rootNode;
    for (let level = 0; level < last; level++) node = this.childAt(node, this.index(va, level), va, level);
    // va + (pa − va) is what fill stores (exact: both are multiples of 4 KiB below 2^64).
    this.setLeaf(node, (node.leaves ??= new Float64Array(ENTRIES).fill(EMPTY)), this.index(va, last), va, last, va + (pa - va));
    return 1;
  }

  /** clear() for one aligned 4 KiB page: the one slot it intersects at each level (`clearing` false: counted only). */
  private clearPage(va: number, clearing: boolean): number {
    let node = this.rootNode;
    let cleared = 0;
    for (let level = 0; ; level++) {
      const idx = this.index(va, level);
      cleared += this.clearLeaf(node, idx, clearing);
      const child = node.children?.[idx];
      if (child === undefined) return cleared;
      node = child;
    }
  }

  private fill(node: TableNode, level: number, leafLevel: number, start: number, end: number, delta: number): number {
    const span = this.leafSpan(level);
    let written = 0;
    let va = start;
    if (level === leafLevel) {
      // Leaves of one table page: va is leaf-aligned, so the slots are consecutive.
      const leaves = (node.leaves ??= new Float64Array(ENTRIES).fill(EMPTY));
      for (let idx = this.index(va, level); va < end; va += span, idx++) {
        this.setLeaf(node, leaves, idx, va, level, va + delta);
        written++;
      }
      return written;
    }
    while (va < end) {
      const slotEnd = Math.min(end, (Math.floor(va / span) + 1) * span);
      written += this.fill(this.childAt(node, this.index(va, level), va, level), level + 1, leafLevel, va, slotEnd, delta);
      va = slotEnd;
    }
    return written;
  }

  /** The next table under slot `idx` of `node` (made when absent) on the way to map `va`; a block in the slot is an error. */
  private childAt(node: TableNode, idx: number, va: number, level: number): TableNode {
    if (node.leaves !== null && node.leaves[idx] !== EMPTY) throw new RangeError(`map: a block already covers ${va.toString(16)} at level ${level}`);
    const children = (node.children ??= new Array<TableNode | undefined>(ENTRIES));
    return (children[idx] ??= this.newNode());
  }

  /** Writes the leaf of slot `idx` (`leaves` is node's) mapping `va` to `out`; a table in the slot is an error. */
  private setLeaf(node: TableNode, leaves: Float64Array, idx: number, va: number, level: number, out: number): void {
    if (node.children !== null && node.children[idx] !== undefined) throw new RangeError(`map: a table already covers ${va.toString(16)} at level ${level}`);
    if (leaves[idx] === EMPTY) this.leafCount++;
    leaves[idx] = out;
  }

  /** Empties the leaf of slot `idx` of `node`, if it holds one (`clearing` false: leaves it): 1 when it did. */
  private clearLeaf(node: TableNode, idx: number, clearing: boolean): number {
    if (node.leaves === null || node.leaves[idx] === EMPTY) return 0;
    if (clearing) {
      node.leaves[idx] = EMPTY;
      this.leafCount--;
    }
    return 1;
  }

  private clear(node: TableNode, level: number, start: number, end: number, clearing: boolean): number {
    const span = this.leafSpan(level);
    let cleared = 0;
    let va = Math.floor(start / span) * span;
    while (va < end) {
      const idx = this.index(va, level);
      cleared += this.clearLeaf(node, idx, clearing);
      const child = node.children?.[idx];
      if (child !== undefined) cleared += this.clear(child, level + 1, Math.max(start, va), Math.min(end, va + span), clearing);
      va += span;
    }
    return cleared;
  }
}

/**
 * The slot of `va` in a table whose slots span `span` bytes (a power of two): ⌊va / span⌋ mod 512,
 * by truncation to 32 bits (exact: the quotient is an exact non-negative integer below 2^53, and
 * its low 9 bits are its residue) instead of a double `%`, which is a library call.
 */
function slotOf(va: number, span: number): number {
  return (va / span) & (ENTRIES - 1);
}

/** `va` mod `span` for a power-of-two span, exactly, without a double `%`. */
function offsetIn(va: number, span: number): number {
  return va - Math.floor(va / span) * span;
}

/** A bump allocator of granule-sized table pages inside [base, base+limit). */
export function tablePageAllocator(base: number, limit: number, what: string): () => number {
  let next = base;
  return () => {
    if (next + GRANULE > base + limit) throw new RangeError(`${what}: out of table memory (${limit} bytes)`);
    const a = next;
    next += GRANULE;
    return a;
  };
}
