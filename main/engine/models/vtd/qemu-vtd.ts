/**
 * QEMU's intel-iommu device for one VM (hw/i386/intel_iommu.c): the invalidation queue whose
 * tail write (IQT) exits to the VMM, which then walks head..tail synchronously on its thread,
 * and what each descriptor does to QEMU's caches and to the shadow of every address space.
 *
 * Models (DOMAIN.md §1, seed 003):
 * - per device a VTDAddressSpace with its notifier: MAP (vfio-pci: shadowed into VFIO through the
 *   IOVA tree), UNMAP-only (vhost: its device IOTLB), or none (emulated devices);
 * - context-cache global/domain invalidation (treated as global) and device invalidation;
 *   IOTLB global / DSI / PSI; device-TLB; wait; a PSI with an AM above MAMV is an invalidation
 *   queue error (counted, the descriptor dropped);
 * - the resync policy for domain-wide events: `iova-tree-delta` (today) or `unmap-all-replay`
 *   (before the 2018 series); context-cache global/domain invalidation unmaps all and resyncs
 *   under both;
 * - UNMAP-only notifiers: one UNMAP per PSI with no page walk, or (knob) the page walk kept;
 * - QEMU's own translate (emulated IOTLB, context cache, a walk) answering emulated devices and
 *   vhost IOTLB misses, on the VMM thread.
 * Does not model: interrupt remapping, fault-recording registers beyond a count, PASID tables,
 * the pre-2018 PSI path (which mapped without a tree).
 */
import type { Environment, ProcessGenerator } from '../../kernel';
import type { RadixPageTable } from '../../mem/radix-page-table';
import type { Vcpu } from '../../machine/vcpu';
import type { VmRuntime } from '../../machine/vm';
import { ContextCache, EmulatedIotlb } from './emulated-iotlb';
import { psiRange, QEMU_MAMV, QI_BATCH, submissions, VTD_PAGE, type Desc } from './inv-desc';
import type { IovaTree } from './iova-tree';
import type { VtdCostValues, VtdCounters } from './knobs';
import { newTally, syncRange, unmapAll, unmapAllReplay, type ShadowOp, type WalkTally } from './shadow-sync';
import type { UnsafeWindow } from './unsafe-window';
import type { VfioBackend } from './vfio-backend';
import type { VhostIotlb } from './vhost-iotlb';

export type ResyncPolicy = 'iova-tree-delta' | 'unmap-all-replay';

/** One device's address space behind the vIOMMU (QEMU's VTDAddressSpace). */
export interface VtdAddressSpace {
  readonly sid: number;
  readonly did: number;
  readonly name: string;
  /** map: vfio-pci shadowed; unmap-only: vhost; none: emulated; passthrough: scalable-mode nested HWPT (no shadow). */
  readonly notifier: 'map' | 'unmap-only' | 'none' | 'passthrough';
  readonly guest: RadixPageTable;
  /** MAP notifier: the IOVA tree and where its notifications go. */
  readonly tree: IovaTree | null;
  readonly vfio: VfioBackend | null;
  /** UNMAP-only notifier: vhost's device IOTLB. */
  readonly vhost: VhostIotlb | null;
}

export interface QemuVtdOptions {
  readonly resync: ResyncPolicy;
  /** Keep the page walk for UNMAP-only notifiers (before the 2018 series). */
  readonly unmapOnlyWalk: boolean;
  /** This VM is an L2 guest: its exits are reflected through L0 to its VMM in L1. */
  readonly nestedGuest: boolean;
}

export class QemuVtd {
  readonly spaces: VtdAddressSpace[] = [];
  readonly iotlb: EmulatedIotlb;
  readonly contextCache = new ContextCache();

  constructor(
    private readonly env: Environment,
    readonly vm: VmRuntime,
    private readonly k: VtdCostValues,
    private readonly c: VtdCounters,
    private readonly opts: QemuVtdOptions,
    readonly window: UnsafeWindow,
  ) {
    this.iotlb = new EmulatedIotlb(k.iotlbEntries);
  }

  add(as: VtdAddressSpace): void {
    this.spaces.push(as);
  }

  /**
   * The guest's qi_submit_sync for `descs`: submissions of up to 16 plus a wait descriptor; each
   * tail write exits to QEMU, which processes the new descriptors before the vCPU resumes and
   * polls the wait status. The caller holds `cpu`.
   */
  *submit(_cpu: Vcpu, descs: readonly Desc[]): ProcessGenerator<void> {
    for (const sub of submissions(descs, QI_BATCH)) {
      for (const d of sub) this.c.desc(d.type).inc();
      this.c.submissions.inc();
      yield this.k.descWriteNs * sub.length;
      this.c.exits.inc();
      yield this.opts.nestedGuest ? this.k.nestedExitNs : this.k.exitNs;
      yield this.vm.vmmThread.request();
      const t0 = this.env.now;
      try {
        for (const d of sub) {
          yield this.k.descEmulateNs;
          yield* this.process(d);
        }
      } finally {
        this.c.vmmNs.inc(this.env.now - t0);
        this.vm.vmmThread.release();
      }
      yield this.k.waitPollNs;
    }
  }

  private *process(d: Desc): ProcessGenerator<void> {
    switch (d.type) {
      case 'cc-global':
      case 'cc-domain':
        // QEMU treats a domain-selective context invalidation as global: unmap all, resync all.
        this.contextCache.invalidateAll();
        this.iotlb.invalidateAll();
        for (const as of this.spaces) yield* this.resync(as, true);
        return;
      case 'cc-device': {
        this.contextCache.invalidateDevice(d.sid);
        const as = this.spaces.find((s) => s.sid === d.sid);
        if (as !== undefined) yield* this.resync(as, false);
        return;
      }
      case 'iotlb-global':
        this.iotlb.invalidateAll();
        for (const as of this.spaces) yield* this.resync(as, false);
        return;
      case 'iotlb-dsi':
        this.iotlb.invalidateDomain(d.did);
        for (const as of this.spaces) if (as.did === d.did) yield* this.resync(as, false);
        return;
      case 'iotlb-psi': {
        if (d.am > QEMU_MAMV) {
          // vtd_process_iotlb_desc refuses it: an invalidation queue error, nothing invalidated.
          this.c.iqErrors.inc();
          return;
        }
        const { start, end } = psiRange(d);
        this.iotlb.invalidateRange(d.did, start, end);
        for (const as of this.spaces) if (as.did === d.did) yield* this.psi(as, start, end);
        return;
      }
      case 'dev-tlb': {
        const as = this.spaces.find((s) => s.sid === d.sid);
        if (as?.notifier === 'unmap-only') yield* this.vhostUnmap(as, d.addr, d.bytes);
        return;
      }
      case 'pasid-iotlb': {
        // Scalable-mode passthrough: the hardware walks the guest's first-stage table, so QEMU
        // only forwards the invalidation to the host IOMMU (IOMMU_HWPT_INVALIDATE).
        for (const as of this.spaces) {
          if (as.did !== d.did || as.notifier !== 'passthrough') continue;
          this.c.hwptInvalidates.inc();
          yield this.k.hwptInvalidateNs + this.k.hostIotlbFlushNs;
        }
        return;
      }
      case 'wait':
        return;
    }
  }

  /** A domain-wide sync of one address space; `unmapFirst` forces unmap-all + resync (context changes). */
  private *resync(as: VtdAddressSpace, unmapFirst: boolean): ProcessGenerator<void> {
    if (as.notifier === 'unmap-only') {
      yield* this.vhostUnmap(as, 0, 2 ** as.guest.inputBits);
      return;
    }
    if (as.notifier !== 'map') return;
    this.c.resyncs.inc();
    this.c.walks.inc();
    const t = newTally();
    if (unmapFirst || this.opts.resync === 'unmap-all-replay') yield* this.apply(as, unmapAllReplay(as.guest, as.tree!, t), t);
    else yield* this.apply(as, syncRange(as.guest, as.tree!, 0, 2 ** as.guest.inputBits, t), t);
  }

  /** Context entry gone (detach): unmap all, no replay. */
  *unmapAll(as: VtdAddressSpace): ProcessGenerator<void> {
    if (as.notifier === 'map') yield* this.apply(as, unmapAll(as.guest, as.tree!), newTally());
  }

  private *psi(as: VtdAddressSpace, start: number, end: number): ProcessGenerator<void> {
    if (as.notifier === 'map') {
      this.c.walks.inc();
      const t = newTally();
      yield* this.apply(as, syncRange(as.guest, as.tree!, start, end, t), t);
      return;
    }
    if (as.notifier !== 'unmap-only') return;
    if (!this.opts.unmapOnlyWalk) {
      // Since the 2018 series: the range goes straight to the notifier.
      yield* this.vhostUnmap(as, start, end - start);
      return;
    }
    // Before it: the same page walk as for MAP notifiers; only its UNMAP events reach vhost.
    this.c.walks.inc();
    for (const s of as.guest.scan(start, end)) {
      this.c.pteReads.inc();
      yield this.k.pteReadNs;
      if (s.kind === 'empty') yield* this.vhostUnmap(as, s.va, s.span);
    }
  }

  /**
   * Charges and applies a shadow sync's notifications one by one, at their instants. Reads and
   * tree work between two notifications are charged in the same hold as the next ioctl (no
   * observer can tell the difference: nothing outside QEMU changes until the ioctl does).
   */
  private *apply(as: VtdAddressSpace, ops: Generator<ShadowOp>, tally: WalkTally): ProcessGenerator<void> {
    const vfio = as.vfio!;
    let charged = { reads: 0, leaves: 0 };
    const owed = (): number => {
      const ns = (tally.reads - charged.reads) * this.k.pteReadNs + (tally.leaves - charged.leaves) * this.k.treeLookupNs;
      charged = { reads: tally.reads, leaves: tally.leaves };
      return ns;
    };
    for (const op of ops) {
      if (op.op === 'map') {
        yield* vfio.map(op.iova, op.size, op.out, owed() + this.k.treeUpdateNs);
      } else {
        yield owed() + this.k.treeUpdateNs;
        yield* vfio.unmap(op.iova, op.size);
      }
    }
    this.c.pteReads.inc(tally.reads);
    const rest = owed();
    if (rest > 0) yield rest;
  }

  /** An UNMAP notification to vhost: QEMU writes VHOST_IOTLB_INVALIDATE, vhost drops the range. */
  private *vhostUnmap(as: VtdAddressSpace, start: number, bytes: number): ProcessGenerator<void> {
    this.c.vhostInvals.inc();
    yield this.k.vhostInvalNs;
    as.vhost!.invalidate(Math.floor(start / VTD_PAGE), Math.ceil(bytes / VTD_PAGE));
  }

  /**
   * QEMU's vtd_iommu_translate for `as` (an emulated device's access or a vhost IOTLB miss), on
   * the VMM thread: context cache, emulated IOTLB, else a walk of the guest table (one read per
   * level) and an IOTLB insert. Returns the output address, or null (a fault).
   */
  *translate(as: VtdAddressSpace, iova: number): ProcessGenerator<number | null> {
    yield this.vm.vmmThread.request();
    try {
      if (!this.contextCache.hit(as.sid)) {
        yield this.k.contextReadNs;
        this.contextCache.fill(as.sid);
      }
      yield this.k.iotlbLookupNs;
      const hit = this.iotlb.lookup(as.sid, iova);
      if (hit !== null) {
        this.c.iotlbHits.inc();
        return hit;
      }
      this.c.iotlbMisses.inc();
      const w = as.guest.walk(iova);
      this.c.translateReads.inc(w.steps.length);
      yield w.steps.length * this.k.pteReadNs;
      if (w.out === null) return null;
      this.iotlb.insert(as.sid, as.did, iova, w.leafSize, w.out);
      return w.out;
    } finally {
      this.vm.vmmThread.release();
    }
  }
}
