/**
 * What a TLBI command invalidates, which decides what the SMMU spends on it: one page (a VA or
 * IPA TLBI without a range), a range (SMMU_IDR3.RIL: NUM × 2^SCALE pages in one command), or a
 * whole ASID / VMID / everything (the entries of a tag are found by scanning, not by address).
 *
 * Models: the classification only; the costs are profile parameters (smmu.tlbi_ns,
 * smmu.tlbi_range_ns, smmu.tlbi_wide_ns). Does not model: TTL or leaf hints.
 */
import { GRANULE } from '../../mem/radix-page-table';
import type { Command } from './commands';

export type TlbiScope = 'page' | 'range' | 'wide';

export function tlbiScope(cmd: Command): TlbiScope {
  switch (cmd.op) {
    case 'TLBI_NH_VA':
    case 'TLBI_NH_VAA':
    case 'TLBI_S2_IPA':
      return (cmd.size ?? GRANULE) > GRANULE ? 'range' : 'page';
    default:
      return 'wide';
  }
}
