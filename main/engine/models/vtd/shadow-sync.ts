/**
 * QEMU's shadow-page-table sync for a MAP-notified address space (vfio-pci behind intel-iommu):
 * the page walk over the guest second-level table and what it tells the notifier, as a lazy
 * sequence of notifications (the caller charges each one and applies it to VFIO at its instant,
 * so concurrent device DMA sees the host mapping as it really is mid-sync).
 *
 * Models (DOMAIN.md §1, seed 003):
 * - `syncRange` — vtd_sync_shadow_page_table_range since the 2018 series: every guest
 *   descriptor read in the range (counted), each present leaf compared with the IOVA tree: the
 *   same map is skipped, a changed one is UNMAP then MAP, a new one MAP; an empty slot
 *   overlapping maps in the tree is one UNMAP of the slot's span; the tree follows.
 * - `unmapAll` — vtd_address_space_unmap: one UNMAP of the whole address space, tree emptied.
 * - `unmapAllReplay` — before the series (and today on context-cache invalidation, root-table
 *   change, translation enable/disable): unmapAll, then a walk of the whole table sending MAP
 *   for every present leaf. Between the two a still-mapped IOVA has no host mapping.
 * Does not model: permission bits (every leaf is read/write), PASID tables.
 */
import type { RadixPageTable } from '../../mem/radix-page-table';
import type { IovaTree } from './iova-tree';

export const PERM_RW = 3;

export type ShadowOp =
  | { readonly op: 'map'; readonly iova: number; readonly size: number; readonly out: number }
  | { readonly op: 'unmap'; readonly iova: number; readonly size: number };

/** What a walk read: descriptors, and how many of them were leaves (each also looked up in the tree). */
export interface WalkTally {
  reads: number;
  leaves: number;
}

export function newTally(): WalkTally {
  return { reads: 0, leaves: 0 };
}

/** The delta sync over [start, end); reads are tallied as they happen (the caller charges them before each notification). */
export function* syncRange(guest: RadixPageTable, tree: IovaTree, start: number, end: number, tally: WalkTally): Generator<ShadowOp> {
  for (const s of guest.scan(start, end)) {
    tally.reads++;
    if (s.kind === 'leaf') {
      tally.leaves++;
      if (tree.hasExact(s.va, s.span, s.out, PERM_RW)) continue;
      if (tree.overlaps(s.va, s.va + s.span)) {
        tree.remove(s.va, s.va + s.span);
        yield { op: 'unmap', iova: s.va, size: s.span };
      }
      tree.insert(s.va, s.span, s.out, PERM_RW);
      yield { op: 'map', iova: s.va, size: s.span, out: s.out };
    } else if (s.kind === 'empty' && tree.overlaps(s.va, s.va + s.span)) {
      tree.remove(s.va, s.va + s.span);
      yield { op: 'unmap', iova: s.va, size: s.span };
    }
  }
}

export function* unmapAll(guest: RadixPageTable, tree: IovaTree): Generator<ShadowOp> {
  tree.clear();
  yield { op: 'unmap', iova: 0, size: 2 ** guest.inputBits };
}

export function* unmapAllReplay(guest: RadixPageTable, tree: IovaTree, tally: WalkTally): Generator<ShadowOp> {
  yield* unmapAll(guest, tree);
  yield* syncRange(guest, tree, 0, 2 ** guest.inputBits, tally);
}
