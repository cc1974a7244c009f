/**
 * Where QEMU's MAP/UNMAP notifications for a vfio-pci device go: VFIO ioctls on the host kernel
 * (HostVfio), or — when this VMM is itself inside an L1 guest (three-layer nesting) — the L1
 * guest's VFIO, whose type1 driver maps through L1's own vIOMMU domain (NestedVfio), which L1's
 * VMM shadows in turn.
 *
 * Models: each notification as one ioctl, a syscall in the context of the VMM thread that
 * issues it (so it occupies that thread; one VMM thread issues all of a VM's ioctls, which is
 * why the container's own lock adds no contention and is not modelled): MAP = fixed cost +
 * pinning per 4 KiB page + one host IOMMU PTE, applied to the host mapping when the ioctl
 * completes; UNMAP = the host mapping removed when the ioctl starts, then fixed cost + unpinning
 * + host PTE clears + host IOTLB flush; a MAP refused (dma_entry_limit, overlap) is counted and
 * reported once, and the device then faults there.
 * Does not model: the host IOMMU's page-table pages, batching of pins across ioctls.
 */
import type { Environment, ProcessGenerator } from '../../kernel';
import type { VtdCostValues, VtdCounters } from './knobs';
import { VTD_PAGE } from './inv-desc';
import { VfioContainer, type VfioMapResult } from './vfio-container';
import type { UnsafeWindow } from './unsafe-window';

export interface VfioBackend {
  /** `pendingNs`: time the caller still owes before this ioctl starts (charged in the same hold). */
  map(iova: number, size: number, out: number, pendingNs: number): ProcessGenerator<VfioMapResult>;
  unmap(iova: number, size: number): ProcessGenerator<void>;
  /** Whether the physical IOMMU translates `iova` for the device now. */
  lookup(iova: number): boolean;
  /** The guest at this layer cleared its PTEs for the range (closes unsafe-window gaps). */
  guestUnmapped(iova: number, bytes: number): void;
}

export class HostVfio implements VfioBackend {
  readonly container: VfioContainer;
  private warned = false;

  constructor(
    private readonly env: Environment,
    private readonly k: VtdCostValues,
    private readonly c: VtdCounters,
    window: UnsafeWindow,
    guestMaps: (iova: number) => boolean,
    private readonly note: (text: string) => void,
    private readonly what: string,
  ) {
    this.container = new VfioContainer(k.dmaEntryLimit, window, guestMaps);
  }

  *map(iova: number, size: number, out: number, pendingNs: number): ProcessGenerator<VfioMapResult> {
    this.c.vfioMaps.inc();
    const pages = Math.ceil(size / VTD_PAGE);
    yield pendingNs + this.k.mapIoctlNs + pages * this.k.pinPageNs + this.k.hostPteNs;
    const r = this.container.map(iova, size, out, this.env.now);
    if (r !== 'ok') this.refused(r, iova, size);
    return r;
  }

  *unmap(iova: number, size: number): ProcessGenerator<void> {
    this.c.vfioUnmaps.inc();
    const gone = this.container.unmap(iova, size, this.env.now);
    yield this.k.unmapIoctlNs + Math.ceil(gone.bytes / VTD_PAGE) * this.k.unpinPageNs + gone.entries * this.k.hostPteNs + this.k.hostIotlbFlushNs;
  }

  lookup(iova: number): boolean {
    return this.container.lookup(iova);
  }

  guestUnmapped(iova: number, bytes: number): void {
    this.container.guestUnmapped(iova, bytes, VTD_PAGE, this.env.now);
  }

  private refused(r: VfioMapResult, iova: number, size: number): void {
    this.c.vfioMapFailures.inc();
    if (this.warned) return;
    this.warned = true;
    const why = r === 'enospc' ? `-28 (No space left on device): the container holds dma_entry_limit = ${this.container.dmaEntryLimit} mappings` : '-17 (File exists)';
    this.note(`${this.what}: vfio_dma_map(iova 0x${iova.toString(16)}, size 0x${size.toString(16)}) = ${why}; the device faults on that range (further failures counted in vfio.map_failures)`);
  }
}
