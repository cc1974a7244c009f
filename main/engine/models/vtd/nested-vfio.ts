/**
 * Three-layer nesting (seed 003): the VMM of an L2 guest runs inside an L1 guest, so its VFIO
 * ioctls for an assigned device go to the L1 kernel. L1's VFIO type1 pins and maps the range
 * through L1's own intel-iommu domain for the device — PTE writes and, with caching mode, a PSI
 * that exits to L0's QEMU, which walks L1's table and issues the real ioctl on the host.
 *
 * Models: each L2 notification as one ioctl into L1 (run on an L1 vCPU: fixed cost, pinning,
 * L1's vfio_dma records and dma_entry_limit) followed by L1's iommu_map / iommu_unmap +
 * iotlb_sync through its vIOMMU; L2's RAM placed at a fixed offset of L1's physical memory;
 * the device's DMA translated by what L0 mapped on the host.
 * Does not model: L1 page faults on first pin, L1 scheduling beyond vCPU contention.
 */
import type { Environment, ProcessGenerator } from '../../kernel';
import type { Vcpu } from '../../machine/vcpu';
import type { GuestVtdDomain } from './guest-domain';
import { VTD_PAGE } from './inv-desc';
import type { VtdCostValues, VtdCounters } from './knobs';
import type { UnsafeWindow } from './unsafe-window';
import type { VfioBackend } from './vfio-backend';
import { VfioContainer, type VfioMapResult } from './vfio-container';

export class NestedVfio implements VfioBackend {
  /** L1 kernel's vfio_dma records for the L2 VMM's container. */
  readonly container: VfioContainer;

  constructor(
    private readonly env: Environment,
    private readonly k: VtdCostValues,
    private readonly c: VtdCounters,
    /** The L1 vCPU the L2 VMM's ioctls run on. */
    private readonly l1cpu: Vcpu,
    /** L1's intel-iommu domain of the device. */
    private readonly l1: GuestVtdDomain,
    /** Where L2's RAM sits in L1's physical memory. */
    private readonly l2RamBase: number,
    window: UnsafeWindow,
    guestMaps: (iova: number) => boolean,
  ) {
    this.container = new VfioContainer(k.dmaEntryLimit, window, guestMaps);
  }

  *map(iova: number, size: number, out: number, pendingNs: number): ProcessGenerator<VfioMapResult> {
    if (pendingNs > 0) yield pendingNs;
    return yield* this.l1cpu.run(this.l1Map(iova, size, out));
  }

  private *l1Map(iova: number, size: number, out: number): ProcessGenerator<VfioMapResult> {
    this.c.vfioMaps.inc();
        yield this.k.mapIoctlNs + Math.ceil(size / VTD_PAGE) * this.k.pinPageNs;
        const r = this.container.map(iova, size, out, this.env.now);
        if (r !== 'ok') {
          this.c.vfioMapFailures.inc();
          return r;
        }
        const leaf = size >= 2 ** 30 && iova % 2 ** 30 === 0 ? 2 ** 30 : size >= 2 ** 21 && iova % 2 ** 21 === 0 ? 2 ** 21 : VTD_PAGE;
        const ok = yield* this.l1.mapLeaves(this.l1cpu, iova, this.l2RamBase + out, size, leaf);
        return ok ? 'ok' : 'eexist';
  }

  *unmap(iova: number, size: number): ProcessGenerator<void> {
    yield* this.l1cpu.run(this.l1Unmap(iova, size));
  }

  private *l1Unmap(iova: number, size: number): ProcessGenerator<void> {
    this.c.vfioUnmaps.inc();
        const gone = this.container.unmap(iova, size, this.env.now);
        yield this.k.unmapIoctlNs + Math.ceil(gone.bytes / VTD_PAGE) * this.k.unpinPageNs;
        if (gone.entries === 0) return;
        yield* this.l1.unmapPages(this.l1cpu, iova, size);
        yield* this.l1.flushRange(this.l1cpu, iova, Math.min(size, 2 ** this.l1.as.guest.inputBits - iova));
  }

  lookup(iova: number): boolean {
    return this.l1.as.vfio!.lookup(iova);
  }

  guestUnmapped(iova: number, bytes: number): void {
    this.container.guestUnmapped(iova, bytes, VTD_PAGE, this.env.now);
  }
}
