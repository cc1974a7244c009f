/**
 * The guest kernel's pseries TCE operations (Linux arch/powerpc/platforms/pseries/iommu.c), timed
 * on the vCPU that calls them: which hypercalls they issue follows the firmware features.
 *
 * Models: build (one page or no PUT_TCE_IND: one H_PUT_TCE per TCE; otherwise ≤ 512 TCEs written
 * into the per-CPU list page, then one H_PUT_TCE_INDIRECT), free/clear (STUFF_TCE: H_STUFF_TCE
 * in batches of 512; otherwise one H_PUT_TCE of 0 per TCE), a direct window's all-RAM mapping
 * (tce_setrange_multi: the same choice, read+write TCEs), the clean of a window before its removal
 * (clean_dma_window: H_STUFF_TCE batches regardless of the features). Secure guests in the share-indirect
 * variant share the list page with the hypervisor (UV_SHARE_PAGE) before each
 * H_PUT_TCE_INDIRECT and unshare it after; the time it stays shared is an exposure window.
 * Does not model: hcall error recovery beyond stopping (failures are counted and noted).
 */
import type { Environment, ProcessGenerator } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Counter, Metrics } from '../../metrics/collector';
import type { HcallHandler } from './hcall-path';
import { hPutTce, hPutTceIndirect, hStuffTce, MAX_INDIRECT_TCES, type DmaWindow, type GuestMemory, type HcallResult, type LiobnTable } from './hcalls';
import { fillTces, tceValue, TCE_READ, TCE_WRITE } from './tce-table';
import { SPAPR_COSTS } from './costs';
import { SPAPR_METRICS } from './metrics';

export interface GuestFeatures {
  putTceInd: boolean;
  stuffTce: boolean;
  /** Secure guest sharing the list page around each H_PUT_TCE_INDIRECT. */
  shareListPage: boolean;
}

/** The per-CPU list page the guest fills for H_PUT_TCE_INDIRECT (its contents, as the hypervisor will read them). */
export class TceListPages implements GuestMemory {
  /** One 4 KiB page of 512 TCEs per CPU, by CPU index. */
  private readonly pages: Float64Array[] = [];

  constructor(
    /** Guest RAM, grown by memory hot-plug. */
    public ramBytes: number,
    private readonly baseAddr: number,
  ) {}

  addrFor(cpu: number): number {
    return this.baseAddr + cpu * 4096;
  }

  /** CPU `cpu`'s list page, for the guest to write TCEs into. */
  page(cpu: number): Float64Array {
    return (this.pages[cpu] ??= new Float64Array(MAX_INDIRECT_TCES));
  }

  readTceList(addr: number, n: number): ArrayLike<number> {
    const off = addr - this.baseAddr;
    const cpu = off / 4096;
    // Guest RAM outside the list pages reads as zeros (invalid TCEs) here.
    if (!Number.isInteger(cpu) || cpu < 0 || this.pages[cpu] === undefined) return new Float64Array(n);
    return this.pages[cpu].subarray(0, n);
  }
}

export class GuestTceOps {
  private readonly issueNs: number;
  private readonly fillNs: number;
  private readonly shareNs: number;
  private readonly unshareNs: number;
  private readonly sharePerPage: number;
  private readonly exposureWindows: Counter;
  private readonly shares: Counter;
  private readonly unshares: Counter;
  /** Total ns the list page was shared. */
  exposureNs = 0;
  failures = 0;

  constructor(
    private readonly env: Environment,
    costs: Costs,
    metrics: Metrics,
    private readonly hcalls: HcallHandler,
    private readonly liobns: LiobnTable,
    private readonly lists: TceListPages,
    readonly features: GuestFeatures,
  ) {
    this.issueNs = costs.ns(SPAPR_COSTS.guestHcallIssueNs);
    this.fillNs = costs.ns(SPAPR_COSTS.guestTceFillNs);
    this.shareNs = costs.ns(SPAPR_COSTS.uvShareNs);
    this.unshareNs = costs.ns(SPAPR_COSTS.uvUnshareNs);
    this.sharePerPage = costs.ns(SPAPR_COSTS.uvShareNsPerPage);
    this.exposureWindows = metrics.counter(SPAPR_METRICS.securityExposureWindows);
    this.shares = metrics.counter(SPAPR_METRICS.uvOf.of('share_page'));
    this.unshares = metrics.counter(SPAPR_METRICS.uvOf.of('unshare_page'));
  }

  /** Maps `npages` window pages from `first` (index in the window) to guest pages from `gpa`. Returns false on a hypercall error. */
  *build(cpu: number, w: DmaWindow, first: number, npages: number, gpa: number, perms: number): ProcessGenerator<boolean> {
    const size = w.table.pageSize;
    if (npages === 1 || !this.features.putTceInd) {
      for (let i = 0; i < npages; i++) {
        const tce = tceValue(gpa + i * size, perms);
        const ok = this.putTceInPlace(w, first + i, tce) ?? (yield* this.putTce(w, first + i, tce));
        if (!ok) return false;
      }
      return true;
    }
    for (let done = 0; done < npages; ) {
      const limit = Math.min(npages - done, MAX_INDIRECT_TCES);
      fillTces(this.lists.page(cpu), limit, gpa + done * size, size, perms);
      if (!this.env.advance(this.fillNs * limit)) yield this.fillNs * limit;
      const addr = this.lists.addrFor(cpu);
      const ok = yield* this.putIndirect(w, first + done, addr, limit);
      if (!ok) return false;
      done += limit;
    }
    return true;
  }

  /** Clears `npages` entries from `first` (tce_freemulti_pSeriesLP). */
  *free(w: DmaWindow, first: number, npages: number): ProcessGenerator<boolean> {
    if (!this.features.stuffTce) {
      for (let i = 0; i < npages; i++) {
        const ok = this.putTceInPlace(w, first + i, 0) ?? (yield* this.putTce(w, first + i, 0));
        if (!ok) return false;
      }
      return true;
    }
    return yield* this.stuffRange(w, first, npages);
  }

  /** Clears a whole window before removing it (clean_dma_window): H_STUFF_TCE whatever the features say. */
  *cleanWindow(w: DmaWindow): ProcessGenerator<boolean> {
    return yield* this.stuffRange(w, 0, w.table.entries);
  }

  private *stuffRange(w: DmaWindow, first: number, npages: number): ProcessGenerator<boolean> {
    const size = w.table.pageSize;
    for (let done = 0; done < npages; ) {
      const limit = Math.min(npages - done, MAX_INDIRECT_TCES);
      const ioba = w.busOffset + (first + done) * size;
      if (!this.env.advance(this.issueNs)) yield this.issueNs;
      const r = yield* this.hcalls.call('h_stuff_tce', limit, () => hStuffTce(this.liobns, w.liobn, ioba, 0, limit));
      if (!this.ok(r)) return false;
      done += limit;
    }
    return true;
  }

  /** Maps guest RAM [start, start+bytes) one-to-one into a direct window (tce_setrange_multi_pSeriesLP). */
  *mapRange(cpu: number, w: DmaWindow, start: number, bytes: number): ProcessGenerator<boolean> {
    const size = w.table.pageSize;
    const first = Math.floor(start / size);
    const npages = Math.ceil((start + bytes) / size) - first;
    return yield* this.build(cpu, w, first, npages, first * size, TCE_READ | TCE_WRITE);
  }

  /** putTce done in place (HcallHandler.callInPlace), or null when it has to be simulated step by step. */
  private putTceInPlace(w: DmaWindow, index: number, tce: number): boolean | null {
    // The call's arguments go through fields to one bound function: no closure per call (a boot
    // clear makes 262,144). Safe because an in-place call runs to its end without yielding.
    this.putLiobn = w.liobn;
    this.putIoba = w.busOffset + index * w.table.pageSize;
    this.putValue = tce;
    const r = this.hcalls.callInPlace('h_put_tce', 1, this.issueNs, this.putWork);
    return r === null ? null : this.ok(r);
  }

  private putLiobn = 0;
  private putIoba = 0;
  private putValue = 0;
  private readonly putWork = (): HcallResult => hPutTce(this.liobns, this.lists, this.putLiobn, this.putIoba, this.putValue);

  private *putTce(w: DmaWindow, index: number, tce: number): ProcessGenerator<boolean> {
    const ioba = w.busOffset + index * w.table.pageSize;
    if (!this.env.advance(this.issueNs)) yield this.issueNs;
    const r = yield* this.hcalls.call('h_put_tce', 1, () => hPutTce(this.liobns, this.lists, w.liobn, ioba, tce));
    return this.ok(r);
  }

  private *putIndirect(w: DmaWindow, index: number, listAddr: number, n: number): ProcessGenerator<boolean> {
    const ioba = w.busOffset + index * w.table.pageSize;
    let sharedAt = -1;
    if (this.features.shareListPage) {
      yield this.shareNs + this.sharePerPage;
      this.shares.inc();
      sharedAt = this.env.now;
    }
    if (!this.env.advance(this.issueNs)) yield this.issueNs;
    const r = yield* this.hcalls.call('h_put_tce_indirect', n, () => hPutTceIndirect(this.liobns, this.lists, w.liobn, ioba, listAddr, n));
    if (sharedAt >= 0) {
      yield this.unshareNs + this.sharePerPage;
      this.unshares.inc();
      this.exposureNs += this.env.now - sharedAt;
      this.exposureWindows.inc();
    }
    return this.ok(r);
  }

  private ok(r: HcallResult): boolean {
    if (r.rc === 'h_success') return true;
    this.failures++;
    return false;
  }
}

/** TCE permissions for a DMA direction (Linux: read always, write unless to-device). */
export function permsFor(dir: 'to-device' | 'from-device' | 'bidirectional'): number {
  return dir === 'to-device' ? TCE_READ : TCE_READ | TCE_WRITE;
}
