/**
 * Exact 64-bit addresses (bus addresses, IOVAs, guest-physical) without bigint on the hot path.
 *
 * A JS number holds integers exactly only below 2^53, but the address space is 64 bits wide (the
 * sPAPR 64-bit DMA window sits at 2^59, a 5-level stage 1 reaches 2^57). The rule here:
 * - an address that carries a byte offset travels as a 4 KiB frame number (≤ 2^52, a safe
 *   integer) and an offset (a safe integer, usually < 4096; a larger one is added to the frame);
 * - an address that is a multiple of 4 KiB may travel as a plain number: it is frame × 2^12, at
 *   most 52 significant bits, so it is an exact double anywhere below 2^64, and sums,
 *   differences, and divisions by powers of two of such addresses stay exact. Window bases, IOVA
 *   allocations, table-entry targets and invalidation ranges are such addresses.
 * Guest-physical addresses are below guest RAM, which the spec caps at a safe integer of bytes.
 * bigint appears only at the edges: parsing, messages, tests.
 */

export const FRAME_SHIFT = 12;
export const FRAME = 4096;
/** One past the highest 4 KiB frame number of a 64-bit address space. */
export const FRAMES_64 = 2 ** 52;

/*
 * No `%` here: past 2^31 a number is a double, and a double's `%` is a library call (fmod,
 * tens of ns), several per translation. `a − ⌊a / 4096⌋ × 4096` is exact instead: the division
 * by a power of two and the floor are exact, and so are the product and the difference.
 */

/** The frame of `pfn` + `off` bytes (off ≥ 0, a safe integer). */
export function frameAt(pfn: number, off: number): number {
  return pfn + Math.floor(off / FRAME);
}

/** The byte offset inside its frame of `pfn` + `off` bytes (`off % 4096`; off ≥ 0, as for frameAt). */
export function offsetIn(off: number): number {
  return off - Math.floor(off / FRAME) * FRAME;
}

/** The byte offset of a non-negative address in its frame (`addr % 4096`, exact for any address below 2^64). */
export function offsetOf(addr: number): number {
  return addr - Math.floor(addr / FRAME) * FRAME;
}

/** Frame number of a 4 KiB-aligned address (exact: see the module header). */
export function frameOfAligned(addr: number): number {
  const pfn = Math.floor(addr / FRAME);
  // ±Infinity passes the product test; `%` made it NaN, so it was refused too.
  if (pfn * FRAME !== addr || !Number.isFinite(addr)) throw new RangeError(`address ${addr} is not 4 KiB aligned`);
  return pfn;
}

/** Splits a safe-integer byte address (e.g. a guest-physical address) into frame and offset. */
export function splitSafe(addr: number): { pfn: number; off: number } {
  if (!Number.isSafeInteger(addr) || addr < 0) throw new RangeError(`address ${addr} is not a safe non-negative integer`);
  const pfn = Math.floor(addr / FRAME);
  return { pfn, off: addr - pfn * FRAME };
}

export function toBigInt(pfn: number, off: number): bigint {
  return BigInt(pfn) * BigInt(FRAME) + BigInt(off);
}

export function fromBigInt(a: bigint): { pfn: number; off: number } {
  if (a < 0n || a >= 1n << 64n) throw new RangeError(`address ${a} outside the 64-bit range`);
  return { pfn: Number(a / BigInt(FRAME)), off: Number(a % BigInt(FRAME)) };
}

/** "0x…" of an address, exact over 64 bits (for notes and errors). */
export function hexAddr(pfn: number, off = 0): string {
  return `0x${toBigInt(pfn, off).toString(16)}`;
}
