/**
 * The Linux virtio-iommu driver (drivers/iommu/virtio-iommu.c) for one endpoint's DMA domain,
 * as the generic dma-iommu layer drives it.
 *
 * Models: probe = PROBE and ATTACH requests, then a sync; map_pages queues one MAP per range
 * (no page table in the guest: the mapping is the request); with `batchMaps` (Linux's
 * iotlb_sync_map, v6.7+) the MAPs of one dma_map call go out with one sync at its end, without it
 * (older kernels) every map_pages sends its request synchronously; unmap_pages queues an UNMAP
 * without kicking; iotlb_sync (strict unmap) and flush_iotlb_all (the lazy flush queue) sync —
 * and a sync sends whatever is queued, so in lazy mode a queued UNMAP also leaves with the next
 * map's sync. Device accesses translate through the device's copy of the domain.
 * Does not model: the guest's own interval tree of mappings (its memory), page-size splitting
 * (one request per range: QEMU advertises every page size from 4 KiB up).
 */
import type { ProcessGenerator } from '../../kernel';
import type { Direction } from '../../dma/path';
import type { IommuDomainDriver } from '../../dma/iommu/driver';
import type { UnmapNotifier } from '../../dma/unmap-notifier';
import type { Vcpu } from '../../machine/vcpu';
import type { Domain, VirtioIommuDevice } from './device';
import { MAP_READ, MAP_WRITE } from './requests';
import { FRAME } from '../../mem/addr';

export interface DomainOptions {
  readonly batchMaps: boolean;
  readonly endpoint: number;
}

export class VirtioIommuDomain implements IommuDomainDriver {
  readonly name: string;
  private readonly domain: Domain;

  constructor(
    private readonly dev: VirtioIommuDevice,
    domainId: number,
    private readonly opts: DomainOptions,
  ) {
    this.name = `${dev.name}.domain${domainId}`;
    this.domain = dev.domain(domainId);
  }

  get unmapNotifier(): UnmapNotifier {
    return this.domain.notifier;
  }

  *probe(_cpu: Vcpu): ProcessGenerator<void> {
    yield* this.dev.add({ kind: 'probe', endpoint: this.opts.endpoint, probeSize: this.dev.probeSize }, null);
    yield* this.dev.add({ kind: 'attach', domain: this.domain.id, endpoint: this.opts.endpoint, flags: 0 }, this.domain);
    yield* this.dev.sync();
  }

  *mapPages(cpu: Vcpu, iova: number, gpa: number, bytes: number, dir: Direction): ProcessGenerator<boolean> {
    const ok = yield* this.mapPagesNoSync(cpu, iova, gpa, bytes, dir);
    if (ok) yield* this.syncMap(cpu, iova, bytes);
    return ok;
  }

  *mapPagesNoSync(_cpu: Vcpu, iova: number, gpa: number, bytes: number, dir: Direction): ProcessGenerator<boolean> {
    const flags = dir === 'to-device' ? MAP_READ : dir === 'from-device' ? MAP_WRITE : MAP_READ | MAP_WRITE;
    yield* this.dev.add({ kind: 'map', domain: this.domain.id, virtStart: iova, virtEnd: iova + bytes - 1, physStart: gpa, flags }, this.domain);
    // Before iotlb_sync_map existed, viommu_map_pages sent each request synchronously.
    if (!this.opts.batchMaps) yield* this.dev.sync();
    return true;
  }

  *syncMap(_cpu: Vcpu, _iova: number, _bytes: number): ProcessGenerator<void> {
    if (this.opts.batchMaps) yield* this.dev.sync();
  }

  *unmapPages(_cpu: Vcpu, iova: number, bytes: number): ProcessGenerator<void> {
    this.domain.pendingUnmaps.set(iova, { at: this.dev.now, inCall: false });
    yield* this.dev.add({ kind: 'unmap', domain: this.domain.id, virtStart: iova, virtEnd: iova + bytes - 1 }, this.domain);
  }

  *flushRange(_cpu: Vcpu, iova: number, bytes: number): ProcessGenerator<void> {
    // Strict unmap: the call returns only after this sync, so the range is never reachable after it.
    for (const [start, p] of this.domain.pendingUnmaps) if (start >= iova && start < iova + bytes) p.inCall = true;
    yield* this.dev.sync();
  }

  *flushAll(_cpu: Vcpu): ProcessGenerator<void> {
    yield* this.dev.sync();
  }

  *translate(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
    // Domain IOVAs stay below the 48-bit DMA limit, so the byte address is an exact number.
    return this.dev.covers(this.domain, pfn * FRAME + off, bytes, write);
  }
}
