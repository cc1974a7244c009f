/**
 * Linux's choice of a dynamic DMA window (pseries enable_ddw), as pure decisions.
 *
 * Models: the largest page size the query offers (2M is LoPAR bit 8); the window must cover all
 * RAM up to the hot-plug maximum, rounded up to a power of two (order_base_2); if the largest
 * block cannot hold that many TCEs the window shrinks to the block and becomes dynamic (per-map
 * TCEs); a full-size window is direct (all RAM mapped once at boot), whether or not the default
 * window had to be removed to make room for it.
 * Does not model: persistent memory (ibm,pmemory), SR-IOV hybrid windows. Pure: no time.
 */
import { LOPAR_PAGE_BITS, type QueryResult } from './ddw';

/** Largest page shift among the LoPAR bits of a query (0: none). */
export function largestPageShift(loparMask: number): number {
  let best = 0;
  for (const [shift, bit] of LOPAR_PAGE_BITS) if ((loparMask & bit) !== 0) best = Math.max(best, shift);
  return best;
}

/** order_base_2: the smallest n with 2^n ≥ x. */
export function orderBase2(x: number): number {
  return x <= 1 ? 0 : Math.ceil(Math.log2(x));
}

export type DdwPlan =
  | { ok: true; pageShift: number; windowShift: number; direct: boolean }
  | { ok: false; reason: string };

export function planDdw(query: QueryResult, maxRamBytes: number): DdwPlan {
  if (query.rc !== 'success') return { ok: false, reason: 'query failed' };
  if (query.windowsAvailable === 0) return { ok: false, reason: 'no free window' };
  const pageShift = largestPageShift(query.pageSizes);
  if (pageShift === 0) return { ok: false, reason: 'no supported page size' };
  const ramShift = orderBase2(maxRamBytes);
  const needed = 2 ** Math.max(0, ramShift - pageShift);
  if (query.largestBlock < needed) {
    const windowShift = orderBase2(query.largestBlock * 2 ** pageShift);
    return { ok: true, pageShift, windowShift, direct: false };
  }
  return { ok: true, pageShift, windowShift: Math.max(ramShift, pageShift), direct: true };
}
