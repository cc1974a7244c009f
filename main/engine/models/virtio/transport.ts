/**
 * The virtio transport of one device at run time: the negotiated DMA route, the split
 * virtqueues, notifications both ways and the backend (QEMU's own emulation or vhost) that
 * pops the rings. It is the device's DmaPath, so the device's DMA translates through it.
 *
 * Models:
 * - the DMA route (features.ts): 'gpa' hands the device guest-physical addresses with no DMA-API
 *   call; otherwise every buffer, and each indirect table, is mapped and unmapped through the
 *   DMA path given to it (the topology's, or dma-direct/swiotlb for NO_IOMMU); the rings are
 *   mapped once at probe (dma_alloc_coherent) and stay mapped;
 * - a kick: the notify write is an exit, handled in KVM with ioeventfd (vmexit.mmio_kernel_ns,
 *   then the backend thread wakes) or in the VMM without it (vmexit.mmio_user_ns on the vCPU, the
 *   VMM runs the queue); the backend suppresses kicks while it drains the ring (NO_NOTIFY or
 *   avail_event) and re-checks before sleeping;
 * - the backend pops each chain and translates each descriptor, holding its thread (QEMU's main
 *   loop or an iothread; a vhost worker) for its own work only — parsing, QEMU's memory-region
 *   lookup (virtio.qemu.translate_ns) — while a vIOMMU whose walk is emulated charges the
 *   resources it uses itself (the path's translate); vhost looks up its device IOTLB
 *   (vhost-iotlb.ts), whose misses are answered by the VMM thread and whose entries UNMAP
 *   notifications remove; translated buffers stay pinned until the chain is returned (the
 *   device's DMA into them needs no further translation); anything else the device touches is
 *   translated on the spot;
 * - the interrupt back to the guest (irqfd), taken on the queue's vCPU, whose handler drains
 *   the used ring with callbacks disabled (virtqueue_disable_cb / enable_cb);
 * - a guest whose memory is restricted (secure, CVM) on the 'gpa' route: the device cannot read
 *   the addresses it is given; each such I/O fails, counted, and the run says why once.
 * Does not model: packed rings, multiqueue interrupt affinity, MSI-X vector sharing.
 */
import type { Environment, ProcessGenerator, Resource, SimEvent } from '../../kernel';
import type { Direction, DmaPath, Mapping } from '../../dma/path';
import type { Counter, Metrics } from '../../metrics/collector';
import type { Vcpu } from '../../machine/vcpu';
import type { BlockQueue } from '../../machine/block-queue';
import type { VirtioCosts } from './cost-table';
import { VIRTIO_METRICS } from './metric-table';
import { CORE_METRICS } from '../../../common/metrics/core';
import { IOMMU_METRICS } from '../../../common/metrics/iommu-common';
import { restrictedFailure, type DmaRoute } from './features';
import { IOTLB_PAGE, VhostIotlb } from './vhost-iotlb';
import { frameAt, splitSafe } from '../../mem/addr';
import { ringBytes, SplitVirtqueue, type Chain } from './virtqueue';

export type Backend = 'qemu' | 'vhost';

export interface TransportOptions {
  readonly deviceId: string;
  readonly route: DmaRoute;
  readonly backend: Backend;
  /** The notify write is handled by KVM and signals an eventfd (QEMU's ioeventfd=on; always for vhost). */
  readonly ioeventfd: boolean;
  readonly queueSize: number;
  readonly queues: number;
  readonly indirect: boolean;
  readonly eventIdx: boolean;
  /** The thread the backend runs on (QEMU main loop or iothread; the vhost worker). */
  readonly backendThread: Resource;
  /** The VMM's thread (answers vhost IOTLB misses, forwards UNMAP notifications). */
  readonly vmmThread: Resource;
  /** Whether the guest's memory is restricted from the host at this instant. */
  restricted(): boolean;
  /** The driver refused the device at probe (a CVM without ACCESS_PLATFORM): no I/O ever starts. */
  readonly refusedAtProbe?: boolean;
  /**
   * The platform's path for the device, probed whatever the route (PCI setup — TCE tables,
   * dma_set_mask's DDW — happens before virtio looks at its features); defaults to the DMA path.
   */
  readonly platformPath?: DmaPath;
  /** Adds a note to the run (once per distinct text is the caller's business). */
  note(text: string): void;
}

/** What the backend does with a chain once it has popped and translated it (the device's work). */
export type ChainHandler = (chain: Chain) => ProcessGenerator<boolean>;

interface Request {
  readonly chain: Chain;
  ok: boolean;
  readonly done: SimEvent<boolean>;
  readonly maps: readonly Mapping[];
  readonly indirect: Mapping | null;
}

export class VirtioTransport implements DmaPath {
  readonly name: string;
  readonly vqs: SplitVirtqueue[];
  private readonly pinned = new Map<number, number>();
  private readonly guestLive = new Map<number, number>();
  private readonly iotlb: VhostIotlb | null;
  private readonly handlers: (ChainHandler | null)[];
  private readonly kicked: (SimEvent<void> | null)[];
  private readonly backendBusy: boolean[];
  private readonly completions: Request[][];
  private readonly irqBusy: boolean[];
  /** vCPU that takes queue i's interrupt: the first one that submitted to it (its MSI-X affinity). */
  private readonly irqCpu: (Vcpu | null)[];
  /** Whole block requests (virtio-blk's driver), set by the builder. */
  blockQueue?: BlockQueue;
  private readonly spaceWaiters: SimEvent<void>[][];
  private failureNoted = false;
  private readonly m: {
    kicks: Counter;
    suppressed: Counter;
    exits: Counter;
    irqs: Counter;
    chains: Counter;
    maps: Counter;
    unmaps: Counter;
    indirectMaps: Counter;
    ringMaps: Counter;
    translations: Counter;
    iotlbHits: Counter;
    iotlbMisses: Counter;
    invalidations: Counter;
    stale: Counter;
    staleAll: Counter;
  };

  constructor(
    private readonly env: Environment,
    private readonly c: VirtioCosts,
    metrics: Metrics,
    /** The DMA path buffers are mapped through (null on the 'gpa' route). */
    readonly dma: DmaPath | null,
    readonly opts: TransportOptions,
  ) {
    if ((opts.route === 'gpa') !== (dma === null)) throw new Error(`${opts.deviceId}: a DMA path is needed exactly when the DMA API is used`);
    this.name = `virtio(${opts.route}, ${opts.backend}${dma !== null ? `, ${dma.name}` : ''})`;
    this.vqs = Array.from({ length: opts.queues }, () => new SplitVirtqueue(opts.queueSize, opts.indirect, opts.eventIdx));
    this.handlers = this.vqs.map(() => null);
    this.kicked = this.vqs.map(() => null);
    this.backendBusy = this.vqs.map(() => false);
    this.completions = this.vqs.map(() => []);
    this.irqBusy = this.vqs.map(() => false);
    this.irqCpu = this.vqs.map(() => null);
    this.spaceWaiters = this.vqs.map(() => []);
    this.iotlb = opts.backend === 'vhost' && dma !== null ? new VhostIotlb(c.vhostIotlbEntries) : null;
    this.m = {
      kicks: metrics.counter(VIRTIO_METRICS.kicks),
      suppressed: metrics.counter(VIRTIO_METRICS.kicksSuppressed),
      exits: metrics.counter(IOMMU_METRICS.exitsMmio),
      irqs: metrics.counter(VIRTIO_METRICS.interrupts),
      chains: metrics.counter(VIRTIO_METRICS.chains),
      maps: metrics.counter(VIRTIO_METRICS.dmaMaps),
      unmaps: metrics.counter(VIRTIO_METRICS.dmaUnmaps),
      indirectMaps: metrics.counter(VIRTIO_METRICS.indirectMaps),
      ringMaps: metrics.counter(VIRTIO_METRICS.ringMaps),
      translations: metrics.counter(VIRTIO_METRICS.backendTranslations),
      iotlbHits: metrics.counter(VIRTIO_METRICS.vhostIotlbHits),
      iotlbMisses: metrics.counter(VIRTIO_METRICS.vhostIotlbMisses),
      invalidations: metrics.counter(VIRTIO_METRICS.vhostInvalidations),
      stale: metrics.counter(VIRTIO_METRICS.vhostStaleUses),
      staleAll: metrics.counter(CORE_METRICS.securityStaleDma),
    };
    if (this.iotlb !== null) {
      const notifier = dma!.unmapNotifier;
      if (notifier !== undefined) notifier.subscribe((iova, bytes) => this.forwardInvalidate(iova, bytes));
      else opts.note(`${opts.deviceId}: ${dma!.name} sends no UNMAP notifications; vhost's device IOTLB is invalidated when the guest's unmap returns`);
    }
  }

  /** The route the guest took at probe (for probe-time checks by other layers, e.g. a CVM refusing 'gpa'). */
  get route(): DmaRoute {
    return this.opts.route;
  }

  /** Registers what the backend does with chains of queue `q` (the device model). */
  serve(q: number, handler: ChainHandler): void {
    this.handlers[q] = handler;
  }

  // ---- DmaPath: the guest side as the device driver sees it ----

  /** Why every I/O of this device fails before it starts, or null. */
  get refusal(): string | null {
    return this.opts.refusedAtProbe === true ? 'the driver refused the device at probe: this guest requires VIRTIO_F_ACCESS_PLATFORM' : null;
  }

  *probe(cpu: Vcpu): ProcessGenerator<void> {
    const platform = this.opts.platformPath ?? this.dma;
    if (platform !== null) yield* platform.probe(cpu);
    if (this.dma !== null && this.dma !== platform) yield* this.dma.probe(cpu);
    if (this.dma === null || this.opts.refusedAtProbe === true) return;
    // vring_create_virtqueue: each ring allocated once with dma_alloc_coherent, mapped for good.
    for (let q = 0; q < this.vqs.length; q++) {
      const gpa = this.ringGpa(q);
      const m = yield* this.dma.map(cpu, gpa, ringBytes(this.opts.queueSize).total, 'bidirectional');
      if (m === null) throw new Error(`${this.opts.deviceId}: the DMA path could not map virtqueue ${q}'s ring`);
      this.m.ringMaps.inc();
    }
  }

  *map(cpu: Vcpu, gpa: number, bytes: number, dir: Direction): ProcessGenerator<Mapping | null> {
    if (this.opts.refusedAtProbe === true) return null;
    if (this.dma === null) return { ...gpaAddr(gpa), bytes, dir, gpa };
    const m = yield* this.dma.map(cpu, gpa, bytes, dir);
    if (m !== null) {
      this.m.maps.inc();
      this.track(m.iovaPfn, m.iovaOff, m.bytes, +1);
    }
    return m;
  }

  *unmap(cpu: Vcpu, m: Mapping): ProcessGenerator<void> {
    if (this.dma === null) return;
    this.track(m.iovaPfn, m.iovaOff, m.bytes, -1);
    yield* this.dma.unmap(cpu, m);
    this.m.unmaps.inc();
    if (this.iotlb !== null && this.dma.unmapNotifier === undefined) this.invalidateFrames(frameAt(m.iovaPfn, m.iovaOff), frameAt(m.iovaPfn, m.iovaOff + Math.max(1, m.bytes) - 1));
  }

  /** Device side: an access outside a popped chain is translated on the spot. */
  *translate(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
    if (this.isPinned(pfn, off, bytes)) return true;
    return yield* this.translateDesc(pfn, off, bytes, write);
  }

  // ---- the ring protocol ----

  /**
   * virtqueue_add + kick decision, on the vCPU the caller holds. `buffers` are mapped already
   * (their iova is what the device is given); `indirect` is the mapping of the chain's indirect
   * table if it has one. Returns the request's completion event (true: the device completed it),
   * or null when the ring has no room. The buffers (and the table) are unmapped by the
   * interrupt handler when the chain comes back (detach_buf_split), before the event fires.
   */
  *add(cpu: Vcpu, q: number, buffers: readonly { m: Mapping; write: boolean }[], indirect: Mapping | null, token: unknown): ProcessGenerator<SimEvent<boolean> | null> {
    const vq = this.vqs[q]!;
    this.irqCpu[q] ??= cpu;
    const chainBuffers = buffers.map((b) => ({ pfn: b.m.iovaPfn, off: b.m.iovaOff, bytes: b.m.bytes, write: b.write }));
    // The descriptors are written before the avail index is published.
    yield this.c.addDescNs * chainBuffers.length;
    const chain = vq.add(chainBuffers, token);
    if (chain === null) return null;
    const req: Request = { chain, ok: true, done: this.env.event<boolean>(), maps: buffers.map((b) => b.m), indirect };
    this.requests.set(chain, req);
    if (vq.kickPrepare()) yield* this.kick(cpu, q);
    else this.m.suppressed.inc();
    return req.done;
  }

  /** Whether a chain of `nbuf` buffers fits queue q now. */
  fits(q: number, nbuf: number): boolean {
    const vq = this.vqs[q]!;
    return vq.usesIndirect(nbuf) ? vq.free >= 1 : vq.free >= nbuf;
  }

  /** An event that fires when queue q next returns a chain (room for a request that did not fit). */
  space(q: number): SimEvent<void> {
    const ev = this.env.event<void>();
    this.spaceWaiters[q]!.push(ev);
    return ev;
  }

  /** Maps a chain's indirect table if it goes indirect (vring_map_single of the table); undefined if it does not. */
  *mapIndirect(cpu: Vcpu, q: number, nbuf: number, tableGpa: number): ProcessGenerator<Mapping | null | undefined> {
    const bytes = this.vqs[q]!.indirectBytes(nbuf);
    if (bytes === 0) return undefined;
    if (this.dma === null) return { ...gpaAddr(tableGpa), bytes, dir: 'to-device', gpa: tableGpa };
    const m = yield* this.dma.map(cpu, tableGpa, bytes, 'to-device');
    if (m !== null) this.m.indirectMaps.inc();
    return m;
  }

  /** Undoes mapIndirect (when the request cannot be queued). */
  *unmapIndirect(cpu: Vcpu, m: Mapping): ProcessGenerator<void> {
    if (this.dma !== null) yield* this.dma.unmap(cpu, m);
  }

  private readonly requests = new Map<Chain, Request>();

  private *kick(cpu: Vcpu, q: number): ProcessGenerator<void> {
    this.m.kicks.inc();
    this.m.exits.inc();
    if (this.opts.ioeventfd || this.opts.backend === 'vhost') {
      yield this.c.kickKernelNs;
      this.wakeBackend(q, this.c.backendWakeNs);
    } else {
      // No ioeventfd: the exit goes to the VMM, which runs the queue (handle_output) before the vCPU resumes.
      yield this.c.kickUserNs;
      this.wakeBackend(q, 0);
    }
  }

  private wakeBackend(q: number, delay: number): void {
    const ev = this.kicked[q] ?? null;
    if (ev !== null) {
      this.kicked[q] = null;
      this.env.schedule(delay, () => ev.succeed());
    } else if (!this.backendBusy[q]) {
      this.startBackend(q, delay);
    }
  }

  private started: boolean[] = [];

  private startBackend(q: number, delay: number): void {
    if (this.started[q] === true) return;
    this.started[q] = true;
    this.env.schedule(delay, () => this.env.process(this.backendLoop(q), `${this.opts.deviceId}.vq${q}.backend`));
  }

  private *backendLoop(q: number): ProcessGenerator<void> {
    const vq = this.vqs[q]!;
    for (;;) {
      this.backendBusy[q] = true;
      vq.deviceNotify(false);
      for (;;) {
        const chain = vq.pop();
        if (chain === null) {
          // Re-enable notifications, then look once more (the race virtio_queue_set_notification covers).
          vq.deviceNotify(true);
          if (!vq.hasAvail()) break;
          vq.deviceNotify(false);
          continue;
        }
        yield* this.popChain(q, chain);
      }
      this.backendBusy[q] = false;
      const ev = this.env.event<void>();
      this.kicked[q] = ev;
      yield ev;
    }
  }

  /** On the backend thread: parse and translate the chain, then hand it to the device model. */
  private *popChain(q: number, chain: Chain): ProcessGenerator<void> {
    const req = this.requests.get(chain)!;
    const descNs = this.opts.backend === 'vhost' ? this.c.vhostDescNs : this.c.qemuDescNs;
    yield* this.opts.backendThread.use(descNs * (chain.buffers.length + (chain.indirect ? 1 : 0)));
    let ok = true;
    for (const b of chain.buffers) {
      const t = yield* this.translateDesc(b.pfn, b.off, b.bytes, b.write);
      if (!t) {
        ok = false;
        break;
      }
    }
    if (!ok) {
      req.ok = false;
      this.complete(q, req);
      return;
    }
    for (const b of chain.buffers) this.pin(b.pfn, b.off, b.bytes, +1);
    const handler = this.handlers[q] ?? null;
    if (handler === null) throw new Error(`${this.opts.deviceId}: virtqueue ${q} has no device model`);
    this.env.process(
      (function* (self: VirtioTransport): ProcessGenerator<void> {
        const done = yield* handler(chain);
        for (const b of chain.buffers) self.pin(b.pfn, b.off, b.bytes, -1);
        req.ok = done;
        self.complete(q, req);
      })(this),
      `${this.opts.deviceId}.vq${q}.io`,
    );
  }

  /** The device returns a chain: used ring, then an interrupt unless suppressed. */
  private complete(q: number, req: Request): void {
    const vq = this.vqs[q]!;
    vq.pushUsed(req.chain);
    this.completions[q]!.push(req);
    if (!vq.interruptPrepare()) return;
    this.env.process(this.interrupt(q), `${this.opts.deviceId}.vq${q}.irq`);
  }

  private *interrupt(q: number): ProcessGenerator<void> {
    yield this.c.irqInjectNs;
    if (this.irqBusy[q]) return;
    this.irqBusy[q] = true;
    this.m.irqs.inc();
    const vq = this.vqs[q]!;
    const cpu = this.irqCpu[q]!;
    yield* cpu.run(
      (function* (self: VirtioTransport): ProcessGenerator<void> {
        yield self.c.guestIrqNs;
        for (;;) {
          vq.driverInterrupt(false);
          const list = self.completions[q]!.splice(0);
          for (const r of list) {
            yield self.c.getBufNs;
            vq.getBuf(r.chain);
            for (const m of r.maps) yield* self.unmap(cpu, m);
            if (r.indirect !== null) yield* self.unmapIndirect(cpu, r.indirect);
            self.requests.delete(r.chain);
            self.m.chains.inc();
            r.done.succeed(r.ok);
            for (const w of self.spaceWaiters[q]!.splice(0)) w.succeed();
          }
          vq.driverInterrupt(true);
          if (self.completions[q]!.length === 0) break;
        }
      })(this),
    );
    this.irqBusy[q] = false;
  }

  // ---- translation by the backend ----

  private *translateDesc(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean> {
    if (this.dma === null) {
      const why = restrictedFailure(this.opts.route, this.opts.restricted());
      if (why === null) return true;
      if (!this.failureNoted) {
        this.failureNoted = true;
        this.opts.note(`${this.opts.deviceId}: I/O fails: ${why}`);
      }
      return false;
    }
    this.m.translations.inc();
    // The backend thread pays its own lookup; a vIOMMU that emulates the walk charges its own
    // resources inside translate (QEMU's emulated vSMMU takes the VMM thread itself).
    if (this.iotlb === null) {
      yield* this.opts.backendThread.use(this.c.qemuTranslateNs);
      return yield* this.dma.translate(pfn, off, bytes, write);
    }
    const missing = this.iotlb.missing(pfn, off, bytes, write);
    if (missing.length === 0) {
      this.m.iotlbHits.inc();
      if (!this.isGuestLive(pfn, off, bytes)) {
        this.m.stale.inc();
        this.m.staleAll.inc();
      }
      return true;
    }
    for (const page of missing) {
      this.m.iotlbMisses.inc();
      // VHOST_IOTLB_MISS: the VMM translates through the vIOMMU and answers with an UPDATE.
      yield this.opts.vmmThread.request();
      let ok: boolean;
      try {
        yield this.c.vhostMissNs;
        ok = yield* this.dma.translate(page, 0, IOTLB_PAGE, write);
      } finally {
        this.opts.vmmThread.release();
      }
      if (!ok) return false;
      this.iotlb.insert(page, write);
    }
    return true;
  }

  /**
   * The VMM forwards an UNMAP notification to vhost (VHOST_IOTLB_INVALIDATE), synchronously from
   * the vIOMMU's notifier, so the device IOTLB is clean before the vIOMMU answers the UNMAP;
   * the write costs the notifier's caller (the VMM thread).
   */
  private forwardInvalidate(iova: number, bytes: number): number {
    // Notified ranges are page-aligned IOVAs (exact as plain numbers, mem/addr.ts).
    if (bytes === Infinity) {
      this.m.invalidations.inc();
      this.iotlb!.clear();
    } else {
      this.invalidateFrames(Math.floor(iova / IOTLB_PAGE), Math.floor((iova + Math.max(1, bytes) - 1) / IOTLB_PAGE));
    }
    return this.c.vhostInvalidateNs;
  }

  private invalidateFrames(first: number, last: number): void {
    this.m.invalidations.inc();
    this.iotlb!.invalidate(first, last);
  }

  /** The device IOTLB's entry count (tests and gauges). */
  get iotlbSize(): number {
    return this.iotlb?.size ?? 0;
  }

  // ---- page bookkeeping ----

  private pin(pfn: number, off: number, bytes: number, d: number): void {
    bump(this.pinned, pfn, off, bytes, d);
  }

  private isPinned(pfn: number, off: number, bytes: number): boolean {
    return covered(this.pinned, pfn, off, bytes);
  }

  private track(pfn: number, off: number, bytes: number, d: number): void {
    bump(this.guestLive, pfn, off, bytes, d);
  }

  private isGuestLive(pfn: number, off: number, bytes: number): boolean {
    return covered(this.guestLive, pfn, off, bytes);
  }

  /** Where queue q's ring lives in guest memory (the transport's own allocation, below the buffers). */
  private ringGpa(q: number): number {
    return RING_BASE + q * Math.ceil(ringBytes(this.opts.queueSize).total / 4096) * 4096;
  }
}

/** Rings sit in the first 16 MiB that VmRuntime keeps away from workload buffers. */
const RING_BASE = 8 * 2 ** 20;

/** Refcounts of the 4 KiB frames an access at frame `pfn` + `off` bytes touches. */
function bump(map: Map<number, number>, pfn: number, off: number, bytes: number, d: number): void {
  const first = frameAt(pfn, off);
  const last = frameAt(pfn, off + Math.max(1, bytes) - 1);
  for (let p = first; p <= last; p++) {
    const n = (map.get(p) ?? 0) + d;
    if (n <= 0) map.delete(p);
    else map.set(p, n);
  }
}

function covered(map: Map<number, number>, pfn: number, off: number, bytes: number): boolean {
  const first = frameAt(pfn, off);
  const last = frameAt(pfn, off + Math.max(1, bytes) - 1);
  for (let p = first; p <= last; p++) if (!map.has(p)) return false;
  return true;
}

/** A guest-physical address as the device is handed it without the DMA API. */
function gpaAddr(gpa: number): { iovaPfn: number; iovaOff: number } {
  const { pfn, off } = splitSafe(gpa);
  return { iovaPfn: pfn, iovaOff: off };
}
