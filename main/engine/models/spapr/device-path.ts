/**
 * The DMA path of one device behind an sPAPR PHB, as the guest's DMA API and the device see it.
 *
 * Models: probe through the PHB (default-window clear, DDW); map on a direct window = bus offset +
 * address, no hypercall; map on a dynamic window = allocate bus pages (Linux's pools), write TCEs
 * by hypercall, unmap = clear them (H_STUFF_TCE or H_PUT_TCE) and free the pages; a mapping covers
 * whole IOMMU pages, so a 2 KiB buffer on a 16 MiB-page window exposes 16 MiB. Secure guests
 * bounce every buffer through the shared swiotlb pool first and map the bounce slot instead.
 * Device side: each IOMMU page of an access must have a valid TCE with the right permission
 * (write for device-to-memory), checked at the instant of the access; otherwise a DMA fault.
 * The bitmap allocation and free hold the pool's spinlock (a resource per pool), so vCPUs whose
 * CPU hashes to the same pool queue; a full pool's fallback to other pools is not charged.
 * Bus addresses are exact over 64 bits (the 64-bit window sits at 2^59): frame + offset
 * (mem/addr.ts). Unmap finds the window pages from the address and size, as Linux does.
 * Does not model: the PHB's TCE cache (translation is free), sg-list merging.
 */
import type { ProcessGenerator } from '../../kernel';
import type { DeviceSpec } from '../../../common/spec';
import type { Direction, DmaPath, Mapping } from '../../dma/path';
import type { Bounce, SwiotlbBouncer } from '../../dma/swiotlb';
import { IO_TLB_SIZE } from '../../dma/swiotlb-pool';
import type { Vcpu } from '../../machine/vcpu';
import { FRAME, frameAt, hexAddr } from '../../mem/addr';
import { SparseArray } from '../../mem/sparse';
import type { DmaWindow } from './hcalls';
import { permsFor } from './guest-tce';
import type { SpaprDeviceParams } from './params';
import type { DmaMode, SpaprPhb } from './phb';
import { metricSegment } from './segment';
import { TCE_READ, TCE_WRITE, tcePerms } from './tce-table';
import { CORE_COSTS } from '../../../common/profile/core';
import { SPAPR_COSTS } from './costs';
import { SPAPR_METRICS } from './metrics';

export class SpaprDevicePath implements DmaPath {
  readonly name = 'spapr-tce';
  private mode: DmaMode | null = null;
  /** Live bounces of a secure guest: by swiotlb slot (direct window) or by first window page (dynamic window). */
  private readonly bounces = new SparseArray<Bounce>();
  private readonly directMapNs: number;
  private readonly directUnmapNs: number;
  private readonly mapCallNs: number;
  private readonly allocNs: number;
  private readonly freeNs: number;

  constructor(
    private readonly phb: SpaprPhb,
    private readonly device: DeviceSpec,
    private readonly deviceParams: SpaprDeviceParams,
    private readonly bouncer: SwiotlbBouncer | null,
  ) {
    const c = phb.costs;
    this.directMapNs = c.ns(CORE_COSTS.guestDmaDirectMapNs);
    this.directUnmapNs = c.ns(CORE_COSTS.guestDmaDirectUnmapNs);
    this.mapCallNs = c.ns(SPAPR_COSTS.guestMapCallNs);
    this.allocNs = c.ns(SPAPR_COSTS.guestIommuAllocNs);
    this.freeNs = c.ns(SPAPR_COSTS.guestIommuFreeNs);
  }

  /** The window the device DMAs through once probed (for tests and reports), or null. */
  get window(): DmaWindow | null {
    return this.mode?.window ?? null;
  }

  *probe(cpu: Vcpu): ProcessGenerator<void> {
    const dma64 = this.deviceParams.dma64;
    const { mode, times } = yield* this.phb.probe(cpu, dma64);
    this.mode = mode;
    const seg = metricSegment(this.device.id);
    const m = this.phb.metrics;
    m.gauge(SPAPR_METRICS.bootTceClearNsOf.of(seg), times.clearNs);
    m.gauge(SPAPR_METRICS.bootDdwSetupNsOf.of(seg), times.ddwNs);
    const isDdw = mode.window.liobn !== this.phb.windows.defaultLiobn;
    m.gauge(SPAPR_METRICS.ddwPageSizeOf.of(seg), isDdw ? mode.window.table.pageSize : 0);
    m.gauge(SPAPR_METRICS.ddwWindowBytesOf.of(seg), isDdw ? mode.window.table.entries * mode.window.table.pageSize : 0);
    m.gauge(SPAPR_METRICS.ddwDirectOf.of(seg), mode.kind === 'direct' ? 1 : 0);
  }

  *map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null> {
    const mode = this.requireMode();
    let addr = gpa;
    let bounce: Bounce | null = null;
    if (this.bouncer !== null) {
      bounce = yield* this.bouncer.map(cpu, bytes, dir);
      if (bounce === null) return null;
      addr = bounce.slot.addr;
    }
    if (mode.kind === 'direct') {
      yield this.directMapNs;
      if (bounce !== null) this.bounces.set(bounce.slot.slot, bounce);
      return { iovaPfn: mode.window.busPfn + Math.floor(addr / FRAME), iovaOff: addr % FRAME, bytes, dir, gpa };
    }
    const w = mode.window;
    const size = w.table.pageSize;
    const inPage = addr % size;
    const pages = Math.ceil((inPage + bytes) / size);
    const guestPage = this.phb.params.guestPageSize;
    const align = size < guestPage && bytes >= guestPage && addr % guestPage === 0 ? Math.log2(guestPage / size) : 0;
    yield this.mapCallNs;
    const lock = mode.locks[mode.alloc.poolFor(pages, cpu.index)]!;
    yield lock.request();
    let first: number;
    try {
      yield this.allocNs;
      first = mode.alloc.alloc(pages, cpu.index, align);
    } finally {
      lock.release();
    }
    if (first < 0) {
      if (bounce !== null) yield* this.bouncer!.unmap(cpu, bounce);
      return null;
    }
    const ok = yield* this.phb.ops.build(cpu.index, w, first, pages, addr - inPage, permsFor(dir));
    if (!ok) {
      yield* this.phb.ops.free(w, first, pages);
      yield* this.releasePages(mode, first, pages);
      if (bounce !== null) yield* this.bouncer!.unmap(cpu, bounce);
      this.phb.sample();
      return null;
    }
    if (bounce !== null) this.bounces.set(first, bounce);
    this.phb.sample();
    return { iovaPfn: w.busPfn + first * (size / FRAME) + Math.floor(inPage / FRAME), iovaOff: inPage % FRAME, bytes, dir, gpa };
  }

  *unmap(cpu: Vcpu, m: Mapping): ProcessGenerator<void> {
    const mode = this.requireMode();
    let bounce: Bounce | undefined;
    if (mode.kind === 'direct') {
      yield this.directUnmapNs;
      if (this.bouncer !== null) {
        const addr = (m.iovaPfn - mode.window.busPfn) * FRAME + m.iovaOff;
        bounce = this.bounces.take((addr - this.bouncer.pool.base) / IO_TLB_SIZE);
      }
    } else {
      const { first, pages } = this.windowPages(mode.window, m);
      if (first < 0 || first >= mode.alloc.size || !mode.alloc.isUsed(first)) {
        throw new Error(`${this.device.id}: unmap of bus address ${hexAddr(m.iovaPfn, m.iovaOff)} that is not mapped`);
      }
      yield this.mapCallNs;
      yield* this.phb.ops.free(mode.window, first, pages);
      yield* this.releasePages(mode, first, pages);
      this.phb.sample();
      bounce = this.bounces.take(first);
    }
    if (bounce !== undefined) yield* this.bouncer!.unmap(cpu, bounce);
  }

  /** The window pages a mapping covers, from its bus address and size (iommu_num_pages). */
  private windowPages(w: DmaWindow, m: Mapping): { first: number; pages: number } {
    const framesPerPage = w.table.pageSize / FRAME;
    const rel = m.iovaPfn - w.busPfn;
    const first = Math.floor(rel / framesPerPage);
    const inPage = (rel - first * framesPerPage) * FRAME + m.iovaOff;
    return { first, pages: Math.ceil((inPage + m.bytes) / w.table.pageSize) };
  }

  *translate(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
    const start = frameAt(pfn, off);
    const w = this.phb.windows.liobns.containing(start);
    if (w === undefined) return false;
    // Window pages from frame numbers: exact wherever the window sits in the 64-bit space.
    const framesPerPage = w.table.pageSize / FRAME;
    const firstPage = Math.floor((start - w.busPfn) / framesPerPage);
    const lastPage = Math.floor((frameAt(pfn, off + Math.max(1, bytes) - 1) - w.busPfn) / framesPerPage);
    if (lastPage >= w.table.entries) return false;
    const need = write ? TCE_WRITE : TCE_READ;
    for (let p = firstPage; p <= lastPage; p++) {
      if ((tcePerms(w.table.get(p)) & need) === 0) return false;
    }
    return true;
  }

  /** __iommu_free: clear the bitmap under the lock of the pool owning the pages. */
  private *releasePages(mode: Extract<DmaMode, { kind: 'dynamic' }>, first: number, pages: number): ProcessGenerator<void> {
    const lock = mode.locks[mode.alloc.poolOf(first)]!;
    yield lock.request();
    try {
      yield this.freeNs;
      mode.alloc.free(first, pages);
    } finally {
      lock.release();
    }
  }

  private requireMode(): DmaMode {
    if (this.mode === null) throw new Error(`${this.device.id}: DMA before the device was probed`);
    return this.mode;
  }
}
