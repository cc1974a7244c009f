/**
 * Emulated vSMMU (mode "emulated"): QEMU translates for emulated and virtio devices in software,
 * with its own IOTLB (emptied whole when full, as smmu_iotlb_insert does) and stage-1 walks that
 * read guest memory, all on the VMM thread; trapped TLBIs invalidate that software IOTLB.
 *
 * Models: lookup and per-read walk costs, the software IOTLB's capacity and invalidation scope.
 * Does not model: stage 2 in software, QEMU's config cache.
 */
import type { ProcessGenerator } from '../../kernel';
import type { Counter } from '../../metrics/collector';
import { GRANULE } from '../../mem/radix-page-table';
import type { VmRuntime } from '../../machine/vm';
import { familyOf, type Command } from './commands';
import type { GuestCd } from './physical-smmu';
import type { TaggedCache } from './tagged-cache';
import { acquireBql, type BqlStats } from './bql';
import { pow2Chunks } from './qemu-range-inval';
import { pageBase } from './page-math';

export interface QemuTranslationCosts {
  readonly swLookup: number;
  readonly swRead: number;
  readonly cfgi: number;
  /** Per power-of-two chunk of a range TLBI, per software IOTLB entry scanned, per notifier notified. */
  readonly chunk: number;
  readonly scan: number;
  readonly notify: number;
}

/** What the range invalidation reports and whom it notifies. */
export interface RangeInvalidation {
  readonly chunks: Counter;
  readonly notifications: Counter;
  /** Devices behind the vSMMU with an IOMMU UNMAP notifier (vhost). */
  notifiers(): number;
}

export class QemuTranslation {
  constructor(
    readonly swIotlb: TaggedCache,
    private readonly cost: QemuTranslationCosts,
    private readonly hits: Counter,
    private readonly walks: Counter,
    private readonly bql: BqlStats,
    private readonly range: RangeInvalidation,
  ) {}

  /** Device side: QEMU's software IOTLB, then a software stage-1 walk. */
  *translate(vm: VmRuntime, cd: GuestCd, iova: number): ProcessGenerator<boolean> {
    yield* acquireBql(vm, this.bql);
    try {
      const page = Math.floor(iova / GRANULE);
      const tag = cd.asid;
      if (this.swIotlb.get(tag, page) !== undefined) {
        this.hits.inc();
        yield this.cost.swLookup;
        return true;
      }
      this.walks.inc();
      const w = cd.s1.walk(iova);
      yield this.cost.swLookup + w.steps.length * this.cost.swRead;
      if (w.out === null) return false;
      // QEMU empties the whole software IOTLB when it is full (smmu_iotlb_insert).
      if (this.swIotlb.size >= this.swIotlb.capacity) this.swIotlb.clear();
      this.swIotlb.set(tag, page, pageBase(w.out));
      return true;
    } finally {
      vm.vmmThread.release();
    }
  }

  /** A trapped command: QEMU applies it to its own caches. */
  *handle(cmd: Command): ProcessGenerator<void> {
    switch (cmd.op) {
      case 'TLBI_NH_VA': {
        // smmuv3_range_inval: one aligned power-of-two block at a time, each scanning the whole
        // software IOTLB (g_hash_table_foreach_remove) and notifying every UNMAP notifier.
        const first = Math.floor((cmd.addr ?? 0) / GRANULE);
        const pages = Math.max(1, Math.ceil((cmd.size ?? GRANULE) / GRANULE));
        const notifiers = this.range.notifiers();
        let at = first;
        for (const n of pow2Chunks(first, pages)) {
          this.range.chunks.inc();
          this.range.notifications.inc(notifiers);
          yield this.cost.chunk + this.cost.scan * this.swIotlb.size + this.cost.notify * notifiers;
          this.swIotlb.deleteKeyRange(cmd.asid ?? 0, at, at + n);
          at += n;
        }
        return;
      }
      case 'TLBI_NH_ASID':
        this.swIotlb.deleteTag(cmd.asid ?? 0);
        return;
      case 'TLBI_NH_ALL':
      case 'TLBI_NH_VAA':
      case 'TLBI_NSNH_ALL':
        this.swIotlb.clear();
        return;
      default:
        if (familyOf(cmd.op) === 'cfgi') yield this.cost.cfgi;
    }
  }
}
