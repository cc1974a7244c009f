/**
 * The Linux intel-iommu driver for one device's DMA domain, plugged into the generic dma-iommu
 * layer: second-level page tables in guest memory and the invalidations the driver queues.
 *
 * Models (DOMAIN.md §1–2): attach writes the context entry and, with caching mode, invalidates
 * the device's context cache and the domain's IOTLB; map writes PTEs (4 KiB leaves from the DMA
 * API, 2 MiB / 1 GiB leaves for a premapped region) and, with caching mode only, issues a PSI
 * for the new range (iotlb_sync_map: how QEMU learns of new mappings); unmap clears PTEs;
 * strict flush = PSI rounded to an aligned power of two (DSI above MAMV) plus a device-TLB
 * invalidation when the device has ATS; lazy flush (the flush queue's) = DSI. The device's DMA
 * is translated where its notifier says: by the host IOMMU from VFIO's mapping (vfio-pci), by
 * vhost's device IOTLB (misses answered by QEMU), or by QEMU itself (emulated devices).
 * Does not model: first-level (scalable-mode) tables, PASIDs, interrupt remapping, the write
 * buffer flush (QEMU sets no RWBF).
 */
import type { ProcessGenerator } from '../../kernel';
import type { IommuDomainDriver } from '../../dma/iommu/driver';
import type { Direction } from '../../dma/path';
import type { Vcpu } from '../../machine/vcpu';
import { FRAME, frameAt } from '../../mem/addr';
import { alignedPsi, iotlbDescFor, VTD_PAGE, type Desc } from './inv-desc';
import type { VtdCostValues, VtdCounters } from './knobs';
import type { QemuVtd, VtdAddressSpace } from './qemu-vtd';

export interface GuestDomainOptions {
  readonly cachingMode: boolean;
  readonly maxAm: number;
  readonly ats: boolean;
  /** Called with the first fault's details (the fault record). */
  readonly note: (text: string) => void;
}

export class GuestVtdDomain implements IommuDomainDriver {
  readonly name: string;
  private faultNoted = false;

  constructor(
    private readonly qemu: QemuVtd,
    readonly as: VtdAddressSpace,
    private readonly k: VtdCostValues,
    private readonly c: VtdCounters,
    private readonly opts: GuestDomainOptions,
  ) {
    this.name = as.name;
  }

  *probe(cpu: Vcpu): ProcessGenerator<void> {
    // domain_context_mapping: context entry written; with CM the not-present entry may be cached.
    yield this.k.pteWriteNs;
    if (this.opts.cachingMode) yield* this.qemu.submit(cpu, [{ type: 'cc-device', did: this.as.did, sid: this.as.sid }, { type: 'iotlb-dsi', did: this.as.did }]);
  }

  *mapPages(cpu: Vcpu, iova: number, gpa: number, bytes: number, _dir: Direction): ProcessGenerator<boolean> {
    return yield* this.mapLeaves(cpu, iova, gpa, bytes, VTD_PAGE);
  }

  /** iommu_map of [iova, iova+bytes) with leaves of `leaf` bytes, then iotlb_sync_map. */
  *mapLeaves(cpu: Vcpu, iova: number, gpa: number, bytes: number, leaf: number): ProcessGenerator<boolean> {
    const t = this.as.guest;
    const before = t.tablePages;
    let written: number;
    try {
      written = t.map(iova, gpa, bytes, leaf);
    } catch {
      return false;
    }
    yield (written + (t.tablePages - before)) * this.k.pteWriteNs;
    if (this.opts.cachingMode) yield* this.qemu.submit(cpu, [iotlbDescFor(this.as.did, iova, bytes, this.opts.maxAm)]);
    return true;
  }

  *unmapPages(_cpu: Vcpu, iova: number, bytes: number): ProcessGenerator<void> {
    yield this.as.guest.unmap(iova, bytes) * this.k.pteWriteNs;
    this.as.vfio?.guestUnmapped(iova, bytes);
  }

  *flushRange(cpu: Vcpu, iova: number, bytes: number): ProcessGenerator<void> {
    const descs: Desc[] = [this.as.notifier === 'passthrough' ? this.pasidDesc(iova, bytes) : iotlbDescFor(this.as.did, iova, bytes, this.opts.maxAm)];
    if (this.opts.ats) descs.push({ type: 'dev-tlb', sid: this.as.sid, addr: iova, bytes });
    yield* this.qemu.submit(cpu, descs);
  }

  /** Scalable mode: a PASID-based IOTLB invalidation for the range (PASID 0, the RID2PASID). */
  private pasidDesc(iova: number, bytes: number): Desc {
    const { addr, am } = alignedPsi(iova, bytes);
    return { type: 'pasid-iotlb', did: this.as.did, pasid: 0, addr: am > this.opts.maxAm ? 0 : addr, am: Math.min(am, 63) };
  }

  *flushAll(cpu: Vcpu): ProcessGenerator<void> {
    const descs: Desc[] = [this.as.notifier === 'passthrough' ? this.pasidDesc(0, 2 ** this.as.guest.inputBits) : { type: 'iotlb-dsi', did: this.as.did }];
    if (this.opts.ats) descs.push({ type: 'dev-tlb', sid: this.as.sid, addr: 0, bytes: 2 ** this.as.guest.inputBits });
    yield* this.qemu.submit(cpu, descs);
  }

  *translate(pfn: number, off: number, _bytes: number, _write: boolean): ProcessGenerator<boolean> {
    // Translation is per 4 KiB page; the page's aligned address is exact (mem/addr.ts).
    const iova = frameAt(pfn, off) * FRAME;
    let ok: boolean;
    if (this.as.notifier === 'map') {
      yield this.k.hwTranslateNs;
      ok = this.as.vfio!.lookup(iova);
    } else if (this.as.notifier === 'passthrough') {
      // The physical IOMMU walks the guest's first-stage table nested over the host stage 2.
      yield this.k.hwTranslateNs;
      ok = this.as.guest.translate(iova) !== null;
    } else if (this.as.notifier === 'unmap-only') {
      ok = yield* this.vhostTranslate(iova);
    } else {
      ok = (yield* this.qemu.translate(this.as, iova)) !== null;
    }
    if (!ok) this.fault(iova);
    return ok;
  }

  /** vhost's device IOTLB; a miss is a round trip to QEMU's translate and an update message. */
  private *vhostTranslate(iova: number): ProcessGenerator<boolean> {
    const page = Math.floor(iova / VTD_PAGE);
    yield this.k.vhostLookupNs;
    if (this.as.vhost!.lookup(page)) return true;
    this.c.vhostMisses.inc();
    yield this.k.vhostMissNs;
    const out = yield* this.qemu.translate(this.as, iova);
    if (out === null) return false;
    this.as.vhost!.update(page, out);
    return true;
  }

  private fault(iova: number): void {
    this.c.faultRecords.inc();
    if (this.faultNoted) return;
    this.faultNoted = true;
    this.opts.note(`${this.name}: DMA fault at IOVA 0x${iova.toString(16)} (no translation at t=${this.qemu.vm.env.now} ns); further faults counted in vtd.fault_records`);
  }
}
