/**
 * Sparse structures keyed by page or slot numbers (safe integers up to 2^53), allocated in
 * fixed-size chunks on first touch: a bit set, an array of values, and small counters.
 *
 * Why not a Map/Set keyed by the number itself: V8 caps a Map or Set at 2^24 entries (a 1 TiB
 * guest mapped at 64 KiB has exactly that many pages), and an entry costs ~30–80 bytes. Here the
 * directory holds chunks, not entries: it reaches its 2^24 cap only after 2^24 chunks have been
 * touched, far more memory than a process has, and an entry costs a bit, a byte or a slot.
 * Chunks are not freed when they empty (tables that shrink and grow again reuse them).
 */

const BITS_SHIFT = 15;
const BITS_CHUNK = 1 << BITS_SHIFT;

/** A set of non-negative safe integers, one bit each in 4 KiB chunks. */
export class SparseBits {
  private readonly chunks = new Map<number, Uint32Array>();
  private count = 0;
  /** The chunk looked up last: neighbouring keys (allocator scans, page runs) skip the Map. */
  private lastKey = -1;
  private last: Uint32Array | undefined;

  get size(): number {
    return this.count;
  }

  has(i: number): boolean {
    // i − key·CHUNK, not i % CHUNK: page numbers past 2^31 are doubles, and their % is an fmod call.
    const key = Math.floor(i / BITS_CHUNK);
    const c = this.lookup(key, false);
    if (c === undefined) return false;
    const b = i - key * BITS_CHUNK;
    return (c[b >>> 5]! & (1 << (b & 31))) !== 0;
  }

  /** Adds `i`; returns false when it was already present. */
  add(i: number): boolean {
    const key = Math.floor(i / BITS_CHUNK);
    const c = this.lookup(key, true)!;
    const b = i - key * BITS_CHUNK;
    const w = b >>> 5;
    const m = 1 << (b & 31);
    if ((c[w]! & m) !== 0) return false;
    c[w] = c[w]! | m;
    this.count++;
    return true;
  }

  /** Removes `i`; returns false when it was absent. */
  delete(i: number): boolean {
    const key = Math.floor(i / BITS_CHUNK);
    const c = this.lookup(key, false);
    if (c === undefined) return false;
    const b = i - key * BITS_CHUNK;
    const w = b >>> 5;
    const m = 1 << (b & 31);
    if ((c[w]! & m) === 0) return false;
    c[w] = c[w]! & ~m;
    this.count--;
    return true;
  }

  /** Bytes of the chunks allocated so far. */
  get bytes(): number {
    return this.chunks.size * (BITS_CHUNK / 8);
  }

  private lookup(key: number, create: boolean): Uint32Array | undefined {
    if (key === this.lastKey) return this.last;
    let c = this.chunks.get(key);
    if (c === undefined) {
      if (!create) return undefined;
      c = new Uint32Array(BITS_CHUNK / 32);
      this.chunks.set(key, c);
    }
    this.lastKey = key;
    this.last = c;
    return c;
  }
}

const ARRAY_SHIFT = 12;
const ARRAY_CHUNK = 1 << ARRAY_SHIFT;
// Slots are i − key·CHUNK, not i % CHUNK, as in SparseBits: no fmod for keys past 2^31.

/** A sparse array of values indexed by non-negative safe integers. */
export class SparseArray<T> {
  private readonly chunks = new Map<number, (T | undefined)[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(i: number): T | undefined {
    const key = Math.floor(i / ARRAY_CHUNK);
    return this.chunks.get(key)?.[i - key * ARRAY_CHUNK];
  }

  set(i: number, v: T): void {
    const key = Math.floor(i / ARRAY_CHUNK);
    let c = this.chunks.get(key);
    if (c === undefined) {
      c = new Array<T | undefined>(ARRAY_CHUNK).fill(undefined);
      this.chunks.set(key, c);
    }
    const s = i - key * ARRAY_CHUNK;
    if (c[s] === undefined) this.count++;
    c[s] = v;
  }

  /** Removes and returns the value at `i`. */
  take(i: number): T | undefined {
    const key = Math.floor(i / ARRAY_CHUNK);
    const c = this.chunks.get(key);
    if (c === undefined) return undefined;
    const s = i - key * ARRAY_CHUNK;
    const v = c[s];
    if (v !== undefined) {
      c[s] = undefined;
      this.count--;
    }
    return v;
  }
}

/**
 * Reference counts per non-negative safe integer: one byte each in chunks; a count that reaches
 * 255 moves to an overflow map (only keys referenced 255+ times live there, so it stays small).
 * `distinct` is the number of keys with a non-zero count.
 */
export class SparseCounts {
  private readonly chunks = new Map<number, Uint8Array>();
  private readonly overflow = new Map<number, number>();
  private nonZero = 0;
  /** The chunk touched last: runs of neighbouring keys (a table being filled) skip the Map. */
  private lastKey = -1;
  private last: Uint8Array | undefined;

  get distinct(): number {
    return this.nonZero;
  }

  get(i: number): number {
    const key = Math.floor(i / ARRAY_CHUNK);
    const c = this.chunks.get(key);
    if (c === undefined) return 0;
    const v = c[i - key * ARRAY_CHUNK]!;
    return v === 255 ? this.overflow.get(i)! : v;
  }

  increment(i: number): void {
    const key = Math.floor(i / ARRAY_CHUNK);
    const c = this.chunk(key);
    const s = i - key * ARRAY_CHUNK;
    const v = c[s]!;
    if (v === 0) this.nonZero++;
    if (v < 254) c[s] = v + 1;
    else if (v === 254) {
      c[s] = 255;
      this.overflow.set(i, 255);
    } else this.overflow.set(i, this.overflow.get(i)! + 1);
  }

  decrement(i: number): void {
    const key = Math.floor(i / ARRAY_CHUNK);
    const c = key === this.lastKey ? this.last : this.chunks.get(key);
    const s = i - key * ARRAY_CHUNK;
    const v = c?.[s] ?? 0;
    if (c === undefined || v === 0) throw new RangeError(`count of ${i} is already zero`);
    if (v < 255) {
      c[s] = v - 1;
      if (v === 1) this.nonZero--;
      return;
    }
    const n = this.overflow.get(i)! - 1;
    if (n === 254) {
      this.overflow.delete(i);
      c[s] = 254;
    } else this.overflow.set(i, n);
  }

  /** Bytes of the chunks allocated so far (the overflow map aside). */
  get bytes(): number {
    return this.chunks.size * ARRAY_CHUNK;
  }

  private chunk(key: number): Uint8Array {
    if (key === this.lastKey) return this.last!;
    let c = this.chunks.get(key);
    if (c === undefined) {
      c = new Uint8Array(ARRAY_CHUNK);
      this.chunks.set(key, c);
    }
    this.lastKey = key;
    this.last = c;
    return c;
  }
}
