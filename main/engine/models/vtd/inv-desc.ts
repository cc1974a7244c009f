/**
 * VT-d invalidation-queue descriptors and the Linux guest's rules for building them
 * (drivers/iommu/intel: calculate_psi_aligned_address, qi_submit_sync).
 *
 * Models: context-cache (global / domain / device), IOTLB (global / domain-selective DSI /
 * page-selective PSI with address + address mask AM covering 2^AM 4 KiB pages), device-TLB,
 * PASID-based IOTLB and wait descriptors; the guest rounding a range up to the smallest aligned
 * power of two that covers it and falling back to a DSI when that needs an AM above the
 * hardware's maximum (MAMV); submissions of at most 16 descriptors, each closed by a wait
 * descriptor the guest then busy-polls.
 * Does not model: descriptor bit layouts (128/256-bit), drain-read/drain-write hints, PASID
 * granularities beyond one PASID.
 */

export const VTD_PAGE_SHIFT = 12;
export const VTD_PAGE = 1 << VTD_PAGE_SHIFT;
/** QEMU intel-iommu's MAMV (hw/i386/intel_iommu_internal.h VTD_MAMV). */
export const QEMU_MAMV = 18;
/** Linux QI_MAX_BATCHED_DESC_COUNT: descriptors per submission before the wait descriptor. */
export const QI_BATCH = 16;

export type Desc =
  | { readonly type: 'cc-global' }
  | { readonly type: 'cc-domain'; readonly did: number }
  | { readonly type: 'cc-device'; readonly did: number; readonly sid: number }
  | { readonly type: 'iotlb-global' }
  | { readonly type: 'iotlb-dsi'; readonly did: number }
  | { readonly type: 'iotlb-psi'; readonly did: number; readonly addr: number; readonly am: number }
  | { readonly type: 'dev-tlb'; readonly sid: number; readonly addr: number; readonly bytes: number }
  | { readonly type: 'pasid-iotlb'; readonly did: number; readonly pasid: number; readonly addr: number; readonly am: number }
  | { readonly type: 'wait' };

export type DescType = Desc['type'];

export const DESC_TYPES: readonly DescType[] = ['cc-global', 'cc-domain', 'cc-device', 'iotlb-global', 'iotlb-dsi', 'iotlb-psi', 'dev-tlb', 'pasid-iotlb', 'wait'];

/** Metric-name segment of a descriptor type (vtd.desc.<seg>). */
export function descMetricSeg(t: DescType): string {
  return t.replace(/-/g, '_');
}

/**
 * The smallest naturally aligned power-of-two block of 4 KiB pages covering [iova, iova+bytes):
 * its first page address and AM (log2 of its pages). Linux's calculate_psi_aligned_address.
 */
export function alignedPsi(iova: number, bytes: number): { addr: number; am: number } {
  if (!(bytes > 0) || iova < 0) throw new RangeError(`PSI range must be non-empty at a non-negative address (iova ${iova}, bytes ${bytes})`);
  const first = Math.floor(iova / VTD_PAGE);
  const last = Math.floor((iova + bytes - 1) / VTD_PAGE);
  let am = 0;
  while (Math.floor(first / 2 ** am) !== Math.floor(last / 2 ** am)) am++;
  return { addr: Math.floor(first / 2 ** am) * 2 ** am * VTD_PAGE, am };
}

/** The IOTLB descriptor the guest issues for a range: a PSI, or a DSI when the AM would exceed `maxAm`. */
export function iotlbDescFor(did: number, iova: number, bytes: number, maxAm: number): Desc {
  const { addr, am } = alignedPsi(iova, bytes);
  if (am > maxAm) return { type: 'iotlb-dsi', did };
  return psi(did, addr, am, maxAm);
}

/** A PSI descriptor; an AM above the maximum or a misaligned address is refused, as the hardware would (IQE). */
export function psi(did: number, addr: number, am: number, maxAm: number): Desc {
  if (!Number.isInteger(am) || am < 0 || am > maxAm) throw new RangeError(`PSI address mask ${am} is above the maximum (MAMV ${maxAm})`);
  if (addr % (VTD_PAGE * 2 ** am) !== 0) throw new RangeError(`PSI address 0x${addr.toString(16)} is not aligned to its 2^${am}-page mask`);
  return { type: 'iotlb-psi', did, addr, am };
}

/** The [start, end) a PSI or PASID-IOTLB descriptor covers. */
export function psiRange(d: { addr: number; am: number }): { start: number; end: number } {
  return { start: d.addr, end: d.addr + VTD_PAGE * 2 ** d.am };
}

/** Splits descriptors into queue submissions: at most `batch` each, each closed by a wait descriptor. */
export function submissions(descs: readonly Desc[], batch = QI_BATCH): Desc[][] {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  const out: Desc[][] = [];
  for (let i = 0; i < descs.length; i += batch) out.push([...descs.slice(i, i + batch), { type: 'wait' }]);
  return out;
}
