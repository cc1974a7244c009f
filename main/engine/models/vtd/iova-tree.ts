/**
 * QEMU's IOVA tree (util/iova-tree.c, one per vfio-pci address space behind intel-iommu): the
 * mappings QEMU has told VFIO about, each a DMAMap {iova, translated_addr, size, perm} in a
 * balanced binary tree keyed by IOVA range (GLib's GTree, an AVL tree), no merging of
 * neighbours.
 *
 * Models: a real AVL tree (insert refusing overlaps as iova_tree_insert does, removal of every
 * overlapping map as iova_tree_remove does, ordered range iteration) and QEMU's memory for it,
 * counted per allocation as it happens: one GTreeNode and one DMAMap per mapping, each a malloc
 * chunk (glibc: request + header, rounded up to the alignment, at least the minimum chunk), the
 * sizes given by the caller (profile parameters).
 * Does not model: GLib's threaded-node details (in-order links), malloc fragmentation.
 *
 * Storage is struct-of-arrays in typed arrays (about 34 bytes of simulator heap per mapping) so a
 * fully mapped 64 GiB guest at 4 KiB fits; node 0 is the nil sentinel.
 */

/** Sizes of QEMU's per-mapping allocations (bytes). */
export interface IovaTreeSizes {
  /** sizeof(GTreeNode). */
  readonly nodeBytes: number;
  /** sizeof(DMAMap) (QEMU_PACKED). */
  readonly elementBytes: number;
  /** malloc's per-chunk header. */
  readonly mallocHeaderBytes: number;
  /** malloc's chunk alignment. */
  readonly mallocAlignBytes: number;
  /** malloc's smallest chunk. */
  readonly mallocMinChunkBytes: number;
}

/** Bytes a malloc(request) really takes (glibc's request2size). */
export function mallocChunk(request: number, s: IovaTreeSizes): number {
  const align = s.mallocAlignBytes;
  return Math.max(s.mallocMinChunkBytes, Math.ceil((request + s.mallocHeaderBytes) / align) * align);
}

export type InsertResult = 'ok' | 'overlap';

const NIL = 0;

export class IovaTree {
  private iovaA = new Float64Array(0);
  private sizeA = new Float64Array(0);
  private outA = new Float64Array(0);
  private permA = new Uint8Array(0);
  private leftA = new Int32Array(0);
  private rightA = new Int32Array(0);
  private heightA = new Int8Array(0);
  private cap = 0;
  private root = NIL;
  private freeHead = NIL;
  private used = 1;
  private live = 0;
  private liveBytes = 0;
  private peakBytes = 0;
  /** Bytes of one mapping: its GTreeNode chunk plus its DMAMap chunk. */
  readonly bytesPerMapping: number;

  constructor(
    readonly sizes: IovaTreeSizes,
    initialCapacity = 1024,
  ) {
    for (const [k, v] of Object.entries(sizes)) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`IOVA tree: ${k} must be a non-negative number, got ${v}`);
    }
    if (!(sizes.mallocAlignBytes > 0)) throw new RangeError('IOVA tree: mallocAlignBytes must be positive');
    this.bytesPerMapping = mallocChunk(sizes.nodeBytes, sizes) + mallocChunk(sizes.elementBytes, sizes);
    this.grow(Math.max(2, initialCapacity));
  }

  /** Mappings (tree nodes) in the tree. */
  get nodes(): number {
    return this.live;
  }

  /** QEMU heap the tree holds now (nodes + elements, allocator overhead included). */
  get bytes(): number {
    return this.liveBytes;
  }

  /** Largest `bytes` seen. */
  get peak(): number {
    return this.peakBytes;
  }

  /** Height of the tree (0 when empty), for balance checks. */
  get height(): number {
    return this.heightA[this.root]!;
  }

  /** Adds [iova, iova+size) → translated; refuses a range overlapping an existing map (IOVA_ERR_OVERLAP). */
  insert(iova: number, size: number, translated: number, perm: number): InsertResult {
    if (!(size > 0)) throw new RangeError(`IOVA tree: size must be positive, got ${size}`);
    if (this.findOverlap(iova, iova + size) !== NIL) return 'overlap';
    const n = this.alloc();
    this.iovaA[n] = iova;
    this.sizeA[n] = size;
    this.outA[n] = translated;
    this.permA[n] = perm;
    this.root = this.insertAt(this.root, n);
    this.live++;
    this.liveBytes += this.bytesPerMapping;
    if (this.liveBytes > this.peakBytes) this.peakBytes = this.liveBytes;
    return 'ok';
  }

  /** The map containing `iova`, or null. */
  find(iova: number): { iova: number; size: number; translated: number; perm: number } | null {
    const n = this.findOverlap(iova, iova + 1);
    return n === NIL ? null : this.view(n);
  }

  /** Whether exactly this map (same range, target and permission) is in the tree. */
  hasExact(iova: number, size: number, translated: number, perm: number): boolean {
    const n = this.findOverlap(iova, iova + 1);
    return n !== NIL && this.iovaA[n] === iova && this.sizeA[n] === size && this.outA[n] === translated && this.permA[n] === perm;
  }

  /** Whether any map overlaps [start, end). */
  overlaps(start: number, end: number): boolean {
    return this.findOverlap(start, end) !== NIL;
  }

  /** Removes every map overlapping [start, end); returns them in IOVA order. */
  remove(start: number, end: number): { iova: number; size: number }[] {
    const out: { iova: number; size: number }[] = [];
    this.forEachInRange(start, end, (iova, size) => out.push({ iova, size }));
    for (const m of out) {
      this.root = this.deleteAt(this.root, m.iova);
      this.live--;
      this.liveBytes -= this.bytesPerMapping;
    }
    return out;
  }

  /** Calls `visit` for every map overlapping [start, end), in IOVA order. */
  forEachInRange(start: number, end: number, visit: (iova: number, size: number, translated: number, perm: number) => void): void {
    const stack: number[] = [];
    let n = this.root;
    while (n !== NIL || stack.length > 0) {
      while (n !== NIL) {
        stack.push(n);
        // Nothing in the left subtree can overlap when this node starts at or before `start`.
        n = this.iovaA[n]! > start ? this.leftA[n]! : NIL;
      }
      const x = stack.pop()!;
      const a = this.iovaA[x]!;
      if (a >= end) break;
      if (a + this.sizeA[x]! > start) visit(a, this.sizeA[x]!, this.outA[x]!, this.permA[x]!);
      n = this.rightA[x]!;
    }
  }

  /** Drops everything (iova_tree_destroy + new). */
  clear(): void {
    this.root = NIL;
    this.freeHead = NIL;
    this.used = 1;
    this.live = 0;
    this.liveBytes = 0;
  }

  private view(n: number) {
    return { iova: this.iovaA[n]!, size: this.sizeA[n]!, translated: this.outA[n]!, perm: this.permA[n]! };
  }

  private findOverlap(start: number, end: number): number {
    let n = this.root;
    while (n !== NIL) {
      const a = this.iovaA[n]!;
      if (end <= a) n = this.leftA[n]!;
      else if (start >= a + this.sizeA[n]!) n = this.rightA[n]!;
      else return n;
    }
    return NIL;
  }

  private alloc(): number {
    let n: number;
    if (this.freeHead !== NIL) {
      n = this.freeHead;
      this.freeHead = this.leftA[n]!;
    } else {
      // Grow by a quarter: the slack stays small at millions of nodes.
      if (this.used >= this.cap) this.grow(Math.ceil(this.cap * 1.25));
      n = this.used++;
    }
    this.leftA[n] = NIL;
    this.rightA[n] = NIL;
    this.heightA[n] = 1;
    return n;
  }

  private release(n: number): void {
    this.leftA[n] = this.freeHead;
    this.freeHead = n;
  }

  private grow(cap: number): void {
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.iovaA = f64(this.iovaA);
    this.sizeA = f64(this.sizeA);
    this.outA = f64(this.outA);
    const p = new Uint8Array(cap);
    p.set(this.permA);
    this.permA = p;
    const l = new Int32Array(cap);
    l.set(this.leftA);
    this.leftA = l;
    const r = new Int32Array(cap);
    r.set(this.rightA);
    this.rightA = r;
    const h = new Int8Array(cap);
    h.set(this.heightA);
    this.heightA = h;
    this.cap = cap;
  }

  private h(n: number): number {
    return this.heightA[n]!;
  }

  private fix(n: number): void {
    this.heightA[n] = 1 + Math.max(this.h(this.leftA[n]!), this.h(this.rightA[n]!));
  }

  private rotateRight(n: number): number {
    const l = this.leftA[n]!;
    this.leftA[n] = this.rightA[l]!;
    this.rightA[l] = n;
    this.fix(n);
    this.fix(l);
    return l;
  }

  private rotateLeft(n: number): number {
    const r = this.rightA[n]!;
    this.rightA[n] = this.leftA[r]!;
    this.leftA[r] = n;
    this.fix(n);
    this.fix(r);
    return r;
  }

  private balance(n: number): number {
    this.fix(n);
    const bf = this.h(this.leftA[n]!) - this.h(this.rightA[n]!);
    if (bf > 1) {
      const l = this.leftA[n]!;
      if (this.h(this.leftA[l]!) < this.h(this.rightA[l]!)) this.leftA[n] = this.rotateLeft(l);
      return this.rotateRight(n);
    }
    if (bf < -1) {
      const r = this.rightA[n]!;
      if (this.h(this.rightA[r]!) < this.h(this.leftA[r]!)) this.rightA[n] = this.rotateRight(r);
      return this.rotateLeft(n);
    }
    return n;
  }

  private insertAt(n: number, x: number): number {
    if (n === NIL) return x;
    if (this.iovaA[x]! < this.iovaA[n]!) this.leftA[n] = this.insertAt(this.leftA[n]!, x);
    else this.rightA[n] = this.insertAt(this.rightA[n]!, x);
    return this.balance(n);
  }

  private deleteAt(n: number, iova: number): number {
    if (n === NIL) return NIL;
    const a = this.iovaA[n]!;
    if (iova < a) this.leftA[n] = this.deleteAt(this.leftA[n]!, iova);
    else if (iova > a) this.rightA[n] = this.deleteAt(this.rightA[n]!, iova);
    else {
      const l = this.leftA[n]!;
      const r = this.rightA[n]!;
      if (l === NIL || r === NIL) {
        this.release(n);
        return l === NIL ? r : l;
      }
      // Replace by the in-order successor's contents, then delete the successor.
      let s = r;
      while (this.leftA[s]! !== NIL) s = this.leftA[s]!;
      this.iovaA[n] = this.iovaA[s]!;
      this.sizeA[n] = this.sizeA[s]!;
      this.outA[n] = this.outA[s]!;
      this.permA[n] = this.permA[s]!;
      this.rightA[n] = this.deleteAt(r, this.iovaA[s]!);
    }
    return this.balance(n);
  }
}
