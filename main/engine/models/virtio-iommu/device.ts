/**
 * The virtio-iommu device as QEMU implements it, and the request queue it shares with the
 * guest driver: one request virtqueue per vIOMMU, a lock around it in the guest (request_lock),
 * requests queued by the driver and sent with one kick per sync, handled on the VMM thread.
 *
 * Models: a sync with requests queued = one notify exit (ioeventfd in KVM), the main loop's
 * wake-up, then per request the VMM's handling and, for endpoints assigned with VFIO, one VFIO
 * map ioctl per MAP (pinning its pages) and one unmap ioctl per removed mapping; ATTACH replays
 * the domain's existing mappings to the new endpoint; UNMAP sends the domain's UNMAP
 * notification (to vhost's device IOTLB, say); the guest spins on its vCPU until the device
 * has answered everything in flight (viommu_sync_req), holding the lock; a full request queue
 * forces a sync before the next request (-ENOSPC). Translation of a device access is a lookup
 * in the domain's mappings (what VFIO programmed into the host IOMMU, or what QEMU translates
 * emulated DMA with), charged nothing here.
 * The stale window of each unmapped range runs from the guest's unmap call returning to the
 * device removing the mapping.
 * Does not model: the event virtqueue (faults reported to the guest), bypass mode, reserved
 * regions from PROBE, the host IOMMU's own IOTLB.
 */
import { Resource, type Environment, type ProcessGenerator } from '../../kernel';
import type { Counter, Metrics } from '../../metrics/collector';
import type { Histogram } from '../../metrics/histogram';
import type { VmRuntime } from '../../machine/vm';
import { UnmapNotifier } from '../../dma/unmap-notifier';
import type { VirtioIommuCosts } from './cost-table';
import { VIRTIO_IOMMU_METRICS } from './metric-table';
import { IOMMU_METRICS } from '../../../common/metrics/iommu-common';
import { DomainMappings } from './domain-state';
import { encode, decode, writeStatus, type Request, type Status } from './requests';

const PAGE = 4096;

export interface Endpoint {
  readonly id: number;
  /** Assigned with VFIO: the VMM mirrors mappings into the host IOMMU with ioctls. */
  readonly vfio: boolean;
}

export class Domain {
  readonly mappings = new DomainMappings();
  readonly endpoints = new Set<Endpoint>();
  readonly notifier = new UnmapNotifier();
  /** Guest-side unmap times of ranges not yet removed on the device, by start; `inCall`: the unmap call waits for it. */
  readonly pendingUnmaps = new Map<number, { at: number; inCall: boolean }>();

  constructor(readonly id: number) {}

  get vfio(): boolean {
    for (const e of this.endpoints) if (e.vfio) return true;
    return false;
  }
}

interface Queued {
  readonly bytes: Uint8Array;
  readonly domain: Domain | null;
}

export class VirtioIommuDevice {
  /** The guest's request_lock (held across add and across the whole sync). */
  readonly lock: Resource;
  private readonly queued: Queued[] = [];
  private readonly domains = new Map<number, Domain>();
  private mappingsLive = 0;
  private mappingsPeak = 0;
  private readonly m: {
    kicks: Counter;
    exits: Counter;
    requests: Counter;
    byKind: Record<Request['kind'], Counter>;
    vfioMap: Counter;
    vfioUnmap: Counter;
    errors: Counter;
    window: Histogram;
  };

  constructor(
    private readonly env: Environment,
    private readonly c: VirtioIommuCosts,
    private readonly metrics: Metrics,
    private readonly vm: VmRuntime,
    readonly name: string,
    /** Request virtqueue entries (each request takes one: QEMU offers indirect descriptors). */
    readonly queueSize: number,
    readonly probeSize: number,
  ) {
    this.lock = new Resource(env, `${name}.request_lock`, 1);
    const M = VIRTIO_IOMMU_METRICS;
    const kind = (k: string) => metrics.counter(M.requestsOf.of(k));
    this.m = {
      kicks: metrics.counter(M.kicks),
      exits: metrics.counter(IOMMU_METRICS.exitsMmio),
      requests: metrics.counter(M.requests),
      byKind: { attach: kind('attach'), detach: kind('detach'), map: kind('map'), unmap: kind('unmap'), probe: kind('probe') },
      vfioMap: metrics.counter(M.vfioMapIoctls),
      vfioUnmap: metrics.counter(M.vfioUnmapIoctls),
      errors: metrics.counter(M.requestErrors),
      window: metrics.histogram(M.staleWindowNs),
    };
  }

  domain(id: number): Domain {
    let d = this.domains.get(id);
    if (d === undefined) {
      d = new Domain(id);
      this.domains.set(id, d);
    }
    return d;
  }

  /** viommu_add_req, on the vCPU the caller holds. */
  *add(r: Request, domain: Domain | null): ProcessGenerator<void> {
    yield this.lock.request();
    try {
      yield this.c.guestReqNs;
      if (this.queued.length >= this.queueSize) yield* this.syncLocked();
      this.queued.push({ bytes: encode(r), domain });
    } finally {
      this.lock.release();
    }
  }

  /** viommu_sync_req: kick if anything is queued and spin until the device answered it all. */
  *sync(): ProcessGenerator<void> {
    yield this.lock.request();
    try {
      yield* this.syncLocked();
    } finally {
      this.lock.release();
    }
  }

  /** End of run: gauges (several vIOMMUs: the peak of the largest). */
  finish(): void {
    this.metrics.gaugeMax(VIRTIO_IOMMU_METRICS.mappingsMax, this.mappingsPeak);
  }

  get now(): number {
    return this.env.now;
  }

  /** Requests queued and not yet sent. */
  get pending(): number {
    return this.queued.length;
  }

  private *syncLocked(): ProcessGenerator<void> {
    if (this.queued.length === 0) return;
    const batch = this.queued.splice(0);
    this.m.kicks.inc();
    this.m.exits.inc();
    yield this.c.kickNs;
    const done = this.env.process(this.handle(batch), `${this.name}.handle`);
    yield done;
  }

  /** The device side: QEMU's main loop handles the batch (virtio_iommu_handle_command). */
  private *handle(batch: Queued[]): ProcessGenerator<void> {
    yield this.c.vmmWakeNs;
    yield this.vm.vmmThread.request();
    try {
      for (const q of batch) {
        yield this.c.vmmReqNs;
        const r = decode(q.bytes, this.probeSize);
        this.m.requests.inc();
        this.m.byKind[r.kind].inc();
        const status = yield* this.apply(r);
        writeStatus(q.bytes, status);
        if (status !== 'ok') this.m.errors.inc();
      }
    } finally {
      this.vm.vmmThread.release();
    }
  }

  private *apply(r: Request): ProcessGenerator<Status> {
    switch (r.kind) {
      case 'probe':
        return 'ok';
      case 'attach': {
        const d = this.domain(r.domain);
        const ep = this.endpointsById.get(r.endpoint);
        if (ep === undefined) return 'noent';
        d.endpoints.add(ep);
        // Attaching replays the domain's mappings into the new endpoint's address space.
        if (ep.vfio) for (const m of d.mappings.all()) yield* this.vfioMap(m.end - m.start + 1);
        return 'ok';
      }
      case 'detach': {
        const d = this.domain(r.domain);
        const ep = this.endpointsById.get(r.endpoint);
        if (ep === undefined || !d.endpoints.delete(ep)) return 'inval';
        if (ep.vfio) for (let i = 0; i < d.mappings.size; i++) yield* this.vfioUnmap();
        return 'ok';
      }
      case 'map': {
        const d = this.domain(r.domain);
        const s = d.mappings.map({ start: r.virtStart, end: r.virtEnd, phys: r.physStart, flags: r.flags });
        if (s !== 'ok') return s;
        if (++this.mappingsLive > this.mappingsPeak) this.mappingsPeak = this.mappingsLive;
        if (d.vfio) yield* this.vfioMap(r.virtEnd - r.virtStart + 1);
        return 'ok';
      }
      case 'unmap': {
        const d = this.domain(r.domain);
        const { status, removed } = d.mappings.unmap(r.virtStart, r.virtEnd);
        if (status !== 'ok') return status;
        for (const m of removed) {
          if (d.vfio) yield* this.vfioUnmap();
          this.mappingsLive--;
          const p = d.pendingUnmaps.get(m.start);
          if (p !== undefined) {
            d.pendingUnmaps.delete(m.start);
            this.m.window.record(p.inCall ? 0 : this.env.now - p.at);
          }
        }
        const notifyNs = d.notifier.notify(r.virtStart, r.virtEnd - r.virtStart + 1);
        if (notifyNs > 0) yield notifyNs;
        return 'ok';
      }
    }
  }

  private readonly endpointsById = new Map<number, Endpoint>();

  /** Makes an endpoint known to the device (its PCI requester ID, say). */
  addEndpoint(ep: Endpoint): void {
    this.endpointsById.set(ep.id, ep);
  }

  /** Device side: one access of an endpoint in `domain`. */
  covers(domain: Domain, iova: number, bytes: number, write: boolean): boolean {
    return domain.mappings.covers(iova, bytes, write);
  }

  private *vfioMap(bytes: number): ProcessGenerator<void> {
    this.m.vfioMap.inc();
    yield this.c.vfioMapNs + Math.round(Math.ceil(bytes / PAGE) * this.c.vfioPinNsPerPage);
  }

  private *vfioUnmap(): ProcessGenerator<void> {
    this.m.vfioUnmap.inc();
    yield this.c.vfioUnmapNs;
  }
}
