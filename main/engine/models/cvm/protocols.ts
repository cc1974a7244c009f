/**
 * The guest↔host protocols of a private/shared conversion, as counts (pure, no time): how one
 * conversion of a guest-physical range becomes hypercalls, VMM round trips and accept/validate
 * operations for each confidential kind.
 *
 * Models (DOMAIN.md §8, seed 004):
 * - TDX: one TDG.VP.VMCALL<MapGPA> for the range; KVM forwards it to the VMM in chunks of at most
 *   2 MiB (TDX_MAP_GPA_MAX_LEN), one userspace round trip each, without returning to the guest in
 *   between. Shared→private then accepts: TDG.MEM.PAGE.ACCEPT at 2 MiB where the range is
 *   2 MiB-aligned, falling back to 512 × 4 KiB when the host maps that region with 4 KiB leaves.
 * - SEV-SNP: Page State Change requests through the GHCB, at most `maxEntries` entries each
 *   (Linux fills a snp_psc_desc); an entry is 2 MiB where the range is 2 MiB-aligned and large
 *   entries are used, else 4 KiB; KVM turns each request's contiguous run of same-operation entries
 *   into one userspace round trip. PVALIDATE per entry (2 MiB, or 512 × 4 KiB on a size mismatch).
 * - PEF: one UV_SHARE_PAGE / UV_UNSHARE_PAGE ultracall for the range, handled per page by the
 *   ultravisor and KVM in the kernel (no VMM round trip).
 * Does not model: PSC requests the hypervisor completes only in part, TDX retries on interrupts.
 */
import { PAGES_2M } from '../../mem/host-backing';

/** TDX_MAP_GPA_MAX_LEN in KVM (arch/x86/kvm/vmx/tdx.c). */
export const TDX_MAP_GPA_MAX_PAGES = PAGES_2M;

/** VMM round trips for one MapGPA of `pages` 4 KiB pages. */
export function mapGpaRoundTrips(pages: number): number {
  return Math.ceil(pages / TDX_MAP_GPA_MAX_PAGES);
}

export interface PscEntry {
  readonly page: number;
  /** 1 (4 KiB) or 512 (2 MiB). */
  readonly pages: number;
}

/** The PSC entries covering [start, end): 2 MiB where aligned and allowed, else 4 KiB. */
export function* pscEntries(start: number, end: number, large: boolean): Generator<PscEntry> {
  let p = start;
  while (p < end) {
    if (large && p % PAGES_2M === 0 && end - p >= PAGES_2M) {
      yield { page: p, pages: PAGES_2M };
      p += PAGES_2M;
    } else {
      yield { page: p, pages: 1 };
      p++;
    }
  }
}

export interface PscPlan {
  readonly entries: number;
  readonly entries2m: number;
  readonly requests: number;
  /** Userspace round trips: one per request for a contiguous range. */
  readonly roundTrips: number;
}

/** Counts of one contiguous conversion by Page State Change, without listing the entries. */
export function pscPlan(start: number, end: number, large: boolean, maxEntries: number): PscPlan {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`PSC entries per request must be a positive integer, got ${maxEntries}`);
  let entries2m = 0;
  let entries4k = end - start;
  if (large) {
    const a = Math.ceil(start / PAGES_2M) * PAGES_2M;
    const b = Math.floor(end / PAGES_2M) * PAGES_2M;
    if (b > a) {
      entries2m = (b - a) / PAGES_2M;
      entries4k = end - start - (b - a);
    }
  }
  const entries = entries2m + entries4k;
  const requests = Math.ceil(entries / maxEntries);
  return { entries, entries2m, requests, roundTrips: requests };
}

/** TDX accepts / SNP PVALIDATEs for a private range: per 2 MiB region, one op if the host maps it huge, else 512. */
export function acceptOps(start: number, end: number, hugeAt: (page: number) => boolean): { ops: number; fallbacks: number } {
  let ops = 0;
  let fallbacks = 0;
  let p = start;
  while (p < end) {
    const regionEnd = Math.min(end, (Math.floor(p / PAGES_2M) + 1) * PAGES_2M);
    if (p % PAGES_2M === 0 && regionEnd - p === PAGES_2M) {
      if (hugeAt(p)) ops++;
      else {
        ops += 1 + PAGES_2M; // the failed 2 MiB try, then 512 × 4 KiB
        fallbacks++;
      }
    } else ops += regionEnd - p;
    p = regionEnd;
  }
  return { ops, fallbacks };
}
