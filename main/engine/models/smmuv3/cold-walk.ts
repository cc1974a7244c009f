/**
 * A device translation with the SMMU's caches switched off (host param coldWalks), for the
 * structural read counts of a walk to show in a run: every access walks its tables from the
 * root with no TLB or walk-cache hit, and with "all" fetches its STE and CD again.
 *
 * Models: the same walks as the warm path (nested-walk.ts) with no caches — a 4-level stage 1
 * over a 4-level stage 2 reads (4+1)(4+1) − 1 = 24 descriptors; the configuration fetch adds the
 * STE (1 linear, 2 for 2-level) and the CD (each CD-table read an IPA behind stage 2: 5 linear,
 * 10 two-level). Nothing here is a count: the reads are those the walks make on the tables.
 * Does not model: the timing (the caller charges reads × smmu.mem_read_ns).
 */
import type { SteConfig } from './physical-smmu';
import { configFetchReads, nestedWalk, stage2Walk } from './nested-walk';

export interface ColdOutcome {
  readonly pa: number | null;
  /** Page-table descriptor reads (both stages). */
  readonly tableReads: number;
  /** STE and CD-table reads (0 when the configuration came from its cache). */
  readonly configReads: number;
}

/** Walks `iova` for a stream configured by `ste`; `fetchConfig` adds the STE/CD fetch (`steReads` for the STE). */
export function coldTranslate(ste: SteConfig, iova: number, fetchConfig: boolean, steReads: number): ColdOutcome {
  const configReads = fetchConfig ? (ste.cd === null ? steReads : configFetchReads(steReads, ste.cd.cdIpas, ste.s2, ste.vmid, null)) : 0;
  if (ste.cd !== null) {
    const w = nestedWalk(iova, ste.cd.s1, ste.s2, ste.vmid, ste.cd.asid, null);
    return { pa: w.pa, tableReads: w.reads, configReads };
  }
  if (ste.s2 !== null) {
    const w = stage2Walk(iova, ste.s2, ste.vmid, null);
    return { pa: w.pa, tableReads: w.reads, configReads };
  }
  return { pa: iova, tableReads: 0, configReads };
}
