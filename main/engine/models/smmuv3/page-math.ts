/**
 * Page arithmetic on addresses held as doubles (IOVAs, IPAs and PAs reach 2^48 and beyond, past
 * int32): `x % 4096` on such a double is a floating-point remainder (fmod, ~70 ns in V8), while
 * the floor form below is a few ns and, for non-negative integers below 2^53, exactly equal
 * (dividing by a power of two, flooring and multiplying back are all exact).
 *
 * Models: nothing; pure arithmetic. Does not handle negative or fractional addresses.
 */
import { GRANULE } from '../../mem/radix-page-table';

/** `addr % GRANULE`. */
export function pageOffset(addr: number): number {
  return addr - Math.floor(addr / GRANULE) * GRANULE;
}

/** `addr - addr % GRANULE`: the address of the page holding `addr`. */
export function pageBase(addr: number): number {
  return Math.floor(addr / GRANULE) * GRANULE;
}

/** `x % m` for a power of two `m`, exact for non-negative integers below 2^53. */
export function modPow2(x: number, m: number): number {
  return x - Math.floor(x / m) * m;
}
