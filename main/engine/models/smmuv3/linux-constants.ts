/**
 * Algorithmic constants of the Linux arm-smmu-v3 driver and of the SMMUv3 architecture that
 * shape command streams. They are not costs (costs live in the profile); each cites its origin.
 */

/** Guest/host driver batch: CMDQ_BATCH_ENTRIES = BITS_PER_LONG = 64 entries, the last a CMD_SYNC (DOMAIN.md §4). */
export const CMDQ_BATCH_ENTRIES = 64;

/** Without range invalidation, more than CMDQ_MAX_TLBI_OPS = 1 << (PAGE_SHIFT - 3) = 512 per-page TLBIs become one ASID/VMID-wide flush (DOMAIN.md §4). */
export const CMDQ_MAX_TLBI_OPS = 512;

/** Architectural entry sizes: STE 64 B, CD 64 B, level-1 stream/CD descriptors 8 B (DOMAIN.md §4). */
export const STE_BYTES = 64;
export const CD_BYTES = 64;
export const L1_DESC_BYTES = 8;
/** Linux's 2-level stream table splits at 8 bits: each level-2 table holds 256 STEs (STRTAB_SPLIT). */
export const STRTAB_SPLIT = 8;
/** 2-level CD tables hold 1024 CDs per leaf (CTXDESC_SPLIT = 10). */
export const CTXDESC_SPLIT = 10;

/** The host's own DMA domains use a 4-level stage-1 table (48-bit IAS, 4 KiB granule: arm_smmu_domain_finalise_s1 with VA_BITS = 48). */
export const HOST_S1_LEVELS = 4;
