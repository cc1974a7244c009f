/**
 * How QEMU's emulated SMMUv3 splits one trapped range TLBI (smmuv3_range_inval): the range
 * [addr, addr + pages) is cut into naturally aligned power-of-two blocks (dma_aligned_pow2_mask),
 * and each block is invalidated in the software IOTLB and notified to the IOMMU notifiers on its
 * own.
 *
 * Models: the block sizes, in pages, in address order. Does not model: TTL hints (a one-page
 * invalidation with a TTL removes one hash entry instead of scanning; Linux sends none here).
 */
import { modPow2 } from './page-math';

/** Page counts of the aligned power-of-two blocks covering pages [first, first + pages). */
export function pow2Chunks(first: number, pages: number): number[] {
  const out: number[] = [];
  let at = first;
  const end = first + pages;
  while (at < end) {
    // The largest power of two that divides `at` (any, for at = 0) and still fits before `end`.
    let size = 1;
    while ((modPow2(at, size * 2) === 0 || at === 0) && at + size * 2 <= end) size *= 2;
    out.push(size);
    at += size;
  }
  return out;
}
