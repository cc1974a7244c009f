/**
 * How the Linux arm-smmu-v3 driver turns "invalidate [addr, addr+size)" into TLBI commands.
 *
 * Models: with range invalidation (RIL) each command covers NUM × 2^SCALE pages with a 5-bit NUM,
 * so a range needs one command per 5-bit group of its page count (one for a power of two);
 * without RIL one command per 4 KiB page, and beyond CMDQ_MAX_TLBI_OPS pages one wide flush
 * (ASID-wide for stage 1, VMID-wide for stage 2) instead.
 * Does not model: TTL hints, leaf/non-leaf distinctions beyond what invalidation needs.
 */
import { GRANULE } from '../../mem/radix-page-table';
import { command, type Command, type Opcode } from './commands';
import { CMDQ_MAX_TLBI_OPS } from './linux-constants';

const RANGE_NUM_MAX = 31;

/** Page counts of the range commands covering `pages` pages. */
export function rangeChunks(pages: number): number[] {
  const out: number[] = [];
  let left = pages;
  while (left > 0) {
    let scale = 0;
    while (((left >> scale) & 1) === 0) scale++;
    const num = (left >> scale) & RANGE_NUM_MAX;
    out.push(num << scale);
    left -= num << scale;
  }
  return out;
}

/**
 * TLBI commands for a range. `base` carries the tags (vmid, asid); `perPage` is TLBI_NH_VA or
 * TLBI_S2_IPA; `wide` is the flush used past the per-page cap (TLBI_NH_ASID or TLBI_S12_VMALL).
 */
export function tlbiForRange(base: { readonly vmid?: number; readonly asid?: number }, perPage: Opcode, wide: Opcode, addr: number, size: number, ril: boolean): Command[] {
  const { vmid, asid } = base;
  const first = Math.floor(addr / GRANULE);
  const pages = Math.max(1, Math.ceil((addr + size) / GRANULE) - first);
  const out: Command[] = [];
  if (ril) {
    // rangeChunks, without its array: one command per 5-bit group of the page count.
    let at = first * GRANULE;
    let left = pages;
    while (left > 0) {
      let scale = 0;
      while (((left >> scale) & 1) === 0) scale++;
      const n = ((left >> scale) & RANGE_NUM_MAX) << scale;
      out.push(command(perPage, vmid, asid, undefined, at, n * GRANULE));
      at += n * GRANULE;
      left -= n;
    }
    return out;
  }
  if (pages > CMDQ_MAX_TLBI_OPS) {
    out.push(command(wide, vmid, asid));
    return out;
  }
  for (let i = 0; i < pages; i++) out.push(command(perPage, vmid, asid, undefined, (first + i) * GRANULE, GRANULE));
  return out;
}
