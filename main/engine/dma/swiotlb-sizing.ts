/**
 * Where and how big a confidential guest's default swiotlb pool is.
 *
 * Models (DOMAIN.md §7, seed 004): the x86 CVM rule (arch/x86/mm/mem_encrypt.c: 6 % of RAM,
 * clamped to [64 MiB, 1 GiB]), the RFC's 8 %, or an explicit size; swiotlb_adjust_size's
 * rounding to whole 128-slot segments; the RFC's optional alignment of the pool's base and size
 * (2 MiB or 1 GiB) so that its conversion never splits a huge mapping; placement top-down below
 * the low-memory limit (memblock_alloc_low), page aligned when no alignment is asked for.
 * Does not model: the PCI hole below 4 GiB, swiotlb=force command-line sizes beyond `bytes`.
 */
import { IO_TLB_SEGSIZE, IO_TLB_SIZE } from './swiotlb-pool';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
export const IO_TLB_DEFAULT_SIZE = 64 * MiB;
/** memblock_alloc_low's limit on x86-64 (ARCH_LOW_ADDRESS_LIMIT): the pool sits below 4 GiB. */
export const LOW_ADDRESS_LIMIT = 4 * GiB;

export type SwiotlbSizing = { readonly rule: 'percent'; readonly percent: number; readonly min: number; readonly max: number } | { readonly rule: 'bytes'; readonly bytes: number };

/** Today's x86 CVM rule. */
export const X86_CVM_SIZING: SwiotlbSizing = { rule: 'percent', percent: 6, min: IO_TLB_DEFAULT_SIZE, max: GiB };
/** Seed 004's proposal (patch 4/5 keeps the clamp). */
export const RFC_8PCT_SIZING: SwiotlbSizing = { rule: 'percent', percent: 8, min: IO_TLB_DEFAULT_SIZE, max: GiB };

export interface PoolPlacement {
  readonly base: number;
  readonly bytes: number;
}

/** Pool size before alignment: the rule, then rounded up to whole segments (256 KiB). */
export function swiotlbBytes(ram: number, s: SwiotlbSizing): number {
  let size: number;
  if (s.rule === 'bytes') size = s.bytes;
  else size = Math.min(s.max, Math.max(s.min, Math.floor((ram * s.percent) / 100)));
  const seg = IO_TLB_SIZE * IO_TLB_SEGSIZE;
  return Math.ceil(size / seg) * seg;
}

/**
 * Base and size of the pool in a guest of `ram` bytes: size rounded up to `align`, base the
 * highest `align`-aligned (at least page-aligned) address with the pool below min(ram, 4 GiB).
 */
export function placePool(ram: number, s: SwiotlbSizing, align: number, pageSize = 4096): PoolPlacement {
  if (!Number.isSafeInteger(align) || align < pageSize || (align & (align - 1)) !== 0) throw new RangeError(`swiotlb alignment must be a power of two ≥ the page size, got ${align}`);
  const bytes = Math.ceil(swiotlbBytes(ram, s) / align) * align;
  const top = Math.min(ram, LOW_ADDRESS_LIMIT);
  const base = Math.floor((top - bytes) / align) * align;
  if (base < 0) throw new RangeError(`a swiotlb pool of ${bytes} bytes does not fit below ${top} bytes of guest RAM`);
  return { base, bytes };
}
