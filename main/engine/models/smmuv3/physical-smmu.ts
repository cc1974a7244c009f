/**
 * One physical SMMUv3 instance at run time (host.iommus[] kind "smmuv3"): its stream table,
 * VMID/ASID namespaces, translation caches, command queues (main CMDQ, and with Tegra241 CMDQV
 * the host's VINTF0 queues and the guests' VCMDQs) and the single command-execution engine they
 * share, plus the device side of translation.
 *
 * Models: command execution charged per command kind on the instance's engine (a contended
 * resource shared by every queue of the instance), finite queues (a producer waits for space),
 * TLB/walk-cache/config-cache effects of each command, and for a device access: config fetch on
 * a config-cache miss, IOTLB lookup, nested walk charging every memory read.
 * Does not model: event/PRI queues, MSIs, the TBU/TCU split, ATS translation requests.
 */
import { DONE, DONE_FALSE, DONE_TRUE, Resource, type Environment, type ProcessGenerator, type SimEvent } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Counter, Metrics } from '../../metrics/collector';
import type { DeviceSpec } from '../../../common/spec';
import type { Smmuv3HostParams } from './params';
import { GRANULE, type RadixPageTable } from '../../mem/radix-page-table';
import type { DmaPath } from '../../dma/path';
import type { VmRuntime } from '../../machine/vm';
import type { IommuInstance } from '../model';
import { BusyOverlap } from './busy-overlap';
import { CommandQueue } from './cmdq';
import { Cmdqv, type Vcmdq } from './cmdqv/cmdqv';
import { familyOf, isNhTlbi, type Command } from './commands';
import { IdAllocator } from './id-allocator';
import { coldTranslate } from './cold-walk';
import { configFetchReads, nestedWalkInto, stage2WalkInto, WalkRecord } from './nested-walk';
import { SMMUV3_WALK_METRICS } from './metrics-walk';
import type { Histogram } from '../../metrics/histogram';
import { StreamTable } from './stream-table';
import { s1Tag, TranslationCaches } from './translation-caches';
import { IOMMU_METRICS } from '../../../common/metrics/iommu-common';
import { SMMUV3_COSTS } from './costs';
import { SMMUV3_QUEUE_COSTS } from './costs-queues';
import { tlbiScope } from './tlbi-scope';
import { SMMUV3_METRICS } from './metrics';
import { pageBase } from './page-math';

/** What the hardware finds through an STE: VMID and stage 2 from the host, the guest's CD (ASID, stage 1) when nested. */
export interface SteConfig {
  readonly vmid: number;
  readonly s2: RadixPageTable | null;
  /** The guest's context descriptor, read through memory when the config cache misses. */
  readonly cd: GuestCd | null;
}

/** A guest context descriptor as it sits in guest memory (the guest driver mutates it). */
export interface GuestCd {
  asid: number;
  s1: RadixPageTable;
  /** IPAs of the CD-table reads a fetch needs (the CD; plus its level-1 descriptor when 2-level). */
  readonly cdIpas: number[];
}

export type CommandOrigin = 'host' | 'guest';

/** What a command list waited for before the hardware started it: space and the commands ahead in its queue, then a free execution slot. */
export interface ExecuteWaits {
  queue: number;
  engine: number;
}

interface QueueState {
  readonly consumer: Resource;
  readonly spaceWaiters: SimEvent<void>[];
  /** A guest VCMDQ: consumed through its checks and substitutions. */
  readonly guest: boolean;
  /** The commands being executed: one list per queue, reused (one execution at a time holds the consumer). */
  readonly executing: Command[];
}

interface CachedConfig {
  vmid: number;
  s2: RadixPageTable | null;
  asid: number;
  s1: RadixPageTable | null;
}

export class PhysicalSmmu implements IommuInstance {
  readonly seg: string;
  readonly params: Smmuv3HostParams;
  readonly vmids: IdAllocator;
  readonly asids: IdAllocator;
  readonly streamTable: StreamTable<SteConfig>;
  readonly caches: TranslationCaches;
  readonly cmdqv: Cmdqv | null;
  readonly mainQueue: CommandQueue;
  /** Host kernel VCMDQs in VINTF0 (host picks one per CPU). */
  readonly hostQueues: Vcmdq[] = [];
  /** SMMUv3.3 ECMDQs (params.ecmdqs): the host picks one per CPU; no shared insertion. */
  readonly ecmdqs: CommandQueue[] = [];
  /** The command-execution slots every queue of this instance feeds (smmu.cmd_parallelism). */
  readonly engine: Resource;
  /** Time with ≥ 1 and ≥ 2 queues being consumed at once. */
  readonly overlap = new BusyOverlap();
  /** Per queue: consumed in order by one slot at a time, and the producers waiting for space. */
  private readonly queueState = new Map<CommandQueue, QueueState>();
  private readonly cachedConfig = new Map<number, CachedConfig>();
  /** The outcome of the walk in progress (read before the translation's yield). */
  private readonly walkRecord = new WalkRecord();
  private nextSid = 0;
  private readonly c: {
    cmds: Counter;
    tlbi: Counter;
    guestTlbi: Counter;
    cfgi: Counter;
    s2: Counter;
    sync: Counter;
    hits: Counter;
    misses: Counter;
    reads: Counter;
    faults: Counter;
    fullWaits: Counter;
    configReads: Counter;
    perTranslation: Histogram;
  };
  private readonly cost: Record<'read' | 'hit' | 'fetch' | 'tlbi' | 'tlbiRange' | 'tlbiWide' | 'cfgi' | 'atc' | 'sync', number>;

  constructor(
    readonly env: Environment,
    readonly id: string,
    params: Smmuv3HostParams,
    costs: Costs,
    metrics: Metrics,
    seg: string,
  ) {
    this.params = params;
    this.seg = seg;
    const p = this.params;
    this.vmids = new IdAllocator(`${id} VMID`, p.vmidBits);
    this.asids = new IdAllocator(`${id} ASID`, p.asidBits);
    this.streamTable = new StreamTable<SteConfig>(p.streamTable, p.sidBits);
    this.caches = new TranslationCaches(p.iotlbEntries, p.walkCacheEntries);
    this.mainQueue = new CommandQueue(`${id}.cmdq`, p.cmdqLog2);
    this.engine = new Resource(env, `${id}.engine`, Math.max(1, Math.round(costs.get(SMMUV3_QUEUE_COSTS.smmuCmdParallelism))));
    for (let i = 0; i < p.ecmdqs; i++) this.ecmdqs.push(new CommandQueue(`${id}.ecmdq${i}`, p.cmdqLog2));
    this.cmdqv = p.cmdqv ? new Cmdqv(2 ** p.vintfsLog2, 2 ** p.vcmdqsLog2, 2 ** p.sidsPerVmLog2, 19) : null;
    if (this.cmdqv !== null) {
      for (let i = 0; i < p.hostVcmdqs; i++) {
        const q = this.cmdqv.host.allocQueue(p.cmdqLog2);
        if (q !== null) this.hostQueues.push(q);
      }
    }
    this.c = {
      cmds: metrics.counter(SMMUV3_METRICS.invalHwCmdsOf.of(seg)),
      tlbi: metrics.counter(SMMUV3_METRICS.invalHwTlbiOf.of(seg)),
      guestTlbi: metrics.counter(SMMUV3_METRICS.invalHwGuestTlbiOf.of(seg)),
      cfgi: metrics.counter(SMMUV3_METRICS.invalHwCfgiOf.of(seg)),
      s2: metrics.counter(SMMUV3_METRICS.invalHwS2Of.of(seg)),
      sync: metrics.counter(SMMUV3_METRICS.invalHwSyncOf.of(seg)),
      hits: metrics.counter(SMMUV3_METRICS.smmuIotlbHits),
      misses: metrics.counter(SMMUV3_METRICS.smmuIotlbMisses),
      reads: metrics.counter(IOMMU_METRICS.walkMemReads),
      faults: metrics.counter(SMMUV3_METRICS.smmuFaults),
      fullWaits: metrics.counter(SMMUV3_METRICS.smmuCmdqFullWaits),
      configReads: metrics.counter(SMMUV3_WALK_METRICS.configReads),
      perTranslation: metrics.histogram(SMMUV3_WALK_METRICS.readsPerTranslation),
    };
    this.cost = {
      read: costs.ns(SMMUV3_COSTS.smmuMemReadNs),
      hit: costs.ns(SMMUV3_COSTS.smmuIotlbHitNs),
      fetch: costs.ns(SMMUV3_COSTS.smmuCmdFetchNs),
      tlbi: costs.ns(SMMUV3_COSTS.smmuTlbiNs),
      tlbiRange: costs.ns(SMMUV3_QUEUE_COSTS.smmuTlbiRangeNs),
      tlbiWide: costs.ns(SMMUV3_QUEUE_COSTS.smmuTlbiWideNs),
      cfgi: costs.ns(SMMUV3_COSTS.smmuCfgiNs),
      atc: costs.ns(SMMUV3_COSTS.smmuAtcInvNs),
      sync: costs.ns(SMMUV3_COSTS.smmuSyncNs),
    };
  }

  /** A physical stream ID for a device behind this instance. */
  allocSid(): number {
    return this.nextSid++;
  }

  installSte(sid: number, ste: SteConfig): void {
    this.streamTable.install(sid, ste);
  }

  /** The queue the host kernel uses from `cpu`: its ECMDQ, else a VINTF0 VCMDQ when CMDQV is present, else the main CMDQ. */
  hostQueue(cpu: number): CommandQueue {
    if (this.ecmdqs.length > 0) return this.ecmdqs[cpu % this.ecmdqs.length]!;
    return this.hostQueues.length > 0 ? this.hostQueues[cpu % this.hostQueues.length]! : this.mainQueue;
  }

  /**
   * Posts `cmds` to `queue` (waiting while it is full), has the engine execute them (with whatever
   * is ahead of them in the queue; a guest VCMDQ through its checks and substitutions), and
   * returns when they have completed. Does its work up to the first wait or hold that must yield
   * when called (callers `yield*` it at once): with space in the queue, its consumer and an
   * execution slot free and the execution time charged in place, the list executes here and a
   * finished generator comes back (kernel/finished.ts); otherwise the generator of the rest.
   */
  execute(queue: CommandQueue, cmds: readonly Command[], origin: CommandOrigin, waits?: ExecuteWaits): ProcessGenerator<void> {
    if (cmds.length > queue.capacity) throw new RangeError(`${queue.name}: ${cmds.length} commands exceed the queue (${queue.capacity})`);
    const t0 = this.env.now;
    const qs = this.stateOf(queue);
    if (!queue.push(cmds)) return this.executeQueued(queue, cmds, origin, waits, t0, qs, false);
    if (!qs.consumer.tryAcquire()) return this.executeQueued(queue, cmds, origin, waits, t0, qs, true);
    if (!this.engine.tryAcquire()) return this.executeOnEngine(queue, cmds, origin, waits, t0, this.env.now, qs);
    const done = this.startExecution(queue, qs, cmds.length, waits, t0, t0);
    const ns = this.executionNs;
    if (ns > 0 && !this.env.advance(ns)) return this.executionHold(queue, done, origin, qs, ns);
    this.endExecution(queue, done, origin, qs);
    return DONE;
  }

  /** execute from the wait for queue space (`pushed` false) or for the queue's consumer. */
  private *executeQueued(queue: CommandQueue, cmds: readonly Command[], origin: CommandOrigin, waits: ExecuteWaits | undefined, t0: number, qs: QueueState, pushed: boolean): ProcessGenerator<void> {
    if (!pushed) {
      do {
        this.c.fullWaits.inc();
        const ev = this.env.event<void>();
        qs.spaceWaiters.push(ev);
        yield ev;
      } while (!queue.push(cmds));
      if (!qs.consumer.tryAcquire()) yield qs.consumer.request();
    } else yield qs.consumer.request();
    const t1 = this.env.now;
    if (!this.engine.tryAcquire()) return yield* this.executeOnEngine(queue, cmds, origin, waits, t0, t1, qs);
    const done = this.startExecution(queue, qs, cmds.length, waits, t0, t1);
    return yield* this.executionHold(queue, done, origin, qs, this.executionNs);
  }

  /** execute from the wait for an execution slot (the consumer held since `t1`). */
  private *executeOnEngine(queue: CommandQueue, cmds: readonly Command[], origin: CommandOrigin, waits: ExecuteWaits | undefined, t0: number, t1: number, qs: QueueState): ProcessGenerator<void> {
    yield this.engine.request();
    const done = this.startExecution(queue, qs, cmds.length, waits, t0, t1);
    return yield* this.executionHold(queue, done, origin, qs, this.executionNs);
  }

  /** execute from the execution's hold of `ns` (0: none) to the end. */
  private *executionHold(queue: CommandQueue, done: Command[], origin: CommandOrigin, qs: QueueState, ns: number): ProcessGenerator<void> {
    let ended = false;
    try {
      if (ns > 0 && !this.env.advance(ns)) yield ns;
      ended = true;
      this.endExecution(queue, done, origin, qs);
    } finally {
      // Unwound mid-hold: release as the end of an execution does, without applying the commands.
      if (!ended) this.releaseExecution(qs);
    }
  }

  /** The queue's state: its in-order consumer and the producers waiting for space. */
  private stateOf(queue: CommandQueue): QueueState {
    let qs = this.queueState.get(queue);
    if (qs === undefined) this.queueState.set(queue, (qs = { consumer: new Resource(this.env, `${queue.name}.consumer`, 1), spaceWaiters: [], guest: isVcmdq(queue) && queue.vintf.index !== 0, executing: [] }));
    return qs;
  }

  /** The execution time startExecution computed (read at once). */
  private executionNs = 0;

  /** Consumer and slot held: the waits accounted, the commands taken off the queue, their time in executionNs. */
  private startExecution(queue: CommandQueue, qs: QueueState, n: number, waits: ExecuteWaits | undefined, t0: number, t1: number): Command[] {
    if (waits !== undefined) {
      waits.queue += t1 - t0;
      waits.engine += this.env.now - t1;
    }
    this.overlap.begin(this.env.now);
    let done: Command[];
    try {
      done = qs.guest ? (queue as Vcmdq).consumeSubstituted(n, qs.executing) : queue.consume(n, qs.executing);
      let ns = 0;
      for (let i = 0; i < done.length; i++) ns += this.cost.fetch + this.costOf(done[i]!);
      this.executionNs = ns;
    } catch (e) {
      this.releaseExecution(qs);
      throw e;
    }
    return done;
  }

  /** After the execution's hold: the commands' effects, the error acknowledged, consumer and slot released. */
  private endExecution(queue: CommandQueue, done: readonly Command[], origin: CommandOrigin, qs: QueueState): void {
    try {
      for (let i = 0; i < done.length; i++) this.apply(done[i]!, origin);
      if (queue.error !== null) {
        // The owner's error handler acknowledges; the stalled command is skipped.
        queue.acknowledge();
      }
    } finally {
      this.releaseExecution(qs);
    }
  }

  private releaseExecution(qs: QueueState): void {
    this.overlap.end(this.env.now);
    this.engine.release();
    qs.consumer.release();
    const list = qs.spaceWaiters;
    if (list.length > 0) for (const ev of list.splice(0)) ev.succeed();
  }

  /**
   * Device side: translates one access from stream `sid`; charges the time; false on a fault.
   * Does the lookup (and walk) when called (callers `yield*` it at once) and hands back a
   * finished generator when the time could be charged in place, else the generator of the hold
   * and what follows it.
   */
  translate(sid: number, iova: number): ProcessGenerator<boolean> {
    if (this.params.coldWalks !== 'off') return this.translateCold(sid, iova);
    let cfg = this.cachedConfig.get(sid);
    let reads = 0;
    if (cfg === undefined || !this.caches.config.has(sid)) {
      const ste = this.streamTable.get(sid);
      if (ste === undefined) {
        this.c.faults.inc();
        return DONE_FALSE;
      }
      reads += ste.cd === null ? this.streamTable.fetchReads : configFetchReads(this.streamTable.fetchReads, ste.cd.cdIpas, ste.s2, ste.vmid, this.caches);
      this.c.configReads.inc(reads);
      cfg = { vmid: ste.vmid, s2: ste.s2, asid: ste.cd?.asid ?? 0, s1: ste.cd?.s1 ?? null };
      this.cachedConfig.set(sid, cfg);
      this.caches.config.add(sid);
    }
    const page = Math.floor(iova / GRANULE);
    const tag = s1Tag(cfg.vmid, cfg.s1 === null ? -1 : cfg.asid);
    const hit = this.caches.iotlb.get(tag, page);
    if (hit !== undefined) {
      this.c.hits.inc();
      const ns = this.cost.hit + reads * this.cost.read;
      if (!this.env.advance(ns)) return this.hitHold(ns, reads);
      this.hitCounted(reads);
      return DONE_TRUE;
    }
    this.c.misses.inc();
    let pa: number | null;
    if (cfg.s1 !== null) {
      const w = nestedWalkInto(iova, cfg.s1, cfg.s2, cfg.vmid, cfg.asid, this.caches, this.walkRecord);
      reads += w.reads;
      pa = w.pa;
    } else if (cfg.s2 !== null) {
      const w = stage2WalkInto(iova, cfg.s2, cfg.vmid, this.caches, this.walkRecord);
      reads += w.reads;
      pa = w.pa;
    } else {
      pa = iova;
    }
    this.c.reads.inc(reads);
    this.c.perTranslation.record(reads);
    const ns = this.cost.hit + reads * this.cost.read;
    if (!this.env.advance(ns)) return this.walkHold(ns, pa, tag, page);
    return this.walked(pa, tag, page) ? DONE_TRUE : DONE_FALSE;
  }

  private hitCounted(reads: number): void {
    this.c.reads.inc(reads);
    this.c.perTranslation.record(reads);
  }

  private *hitHold(ns: number, reads: number): ProcessGenerator<boolean> {
    yield ns;
    this.hitCounted(reads);
    return true;
  }

  /** After a walk's hold: a fault, or the translation cached. */
  private walked(pa: number | null, tag: number, page: number): boolean {
    if (pa === null) {
      this.c.faults.inc();
      return false;
    }
    this.caches.iotlb.set(tag, page, pageBase(pa));
    return true;
  }

  private *walkHold(ns: number, pa: number | null, tag: number, page: number): ProcessGenerator<boolean> {
    yield ns;
    return this.walked(pa, tag, page);
  }

  /** coldWalks: every access misses the TLB and walk caches ("all": and the configuration cache); see cold-walk.ts. */
  private *translateCold(sid: number, iova: number): ProcessGenerator<boolean> {
    const ste = this.streamTable.get(sid);
    if (ste === undefined) {
      this.c.faults.inc();
      return false;
    }
    const fetch = this.params.coldWalks === 'all' || !this.caches.config.has(sid);
    const w = coldTranslate(ste, iova, fetch, this.streamTable.fetchReads);
    if (fetch) this.caches.config.add(sid);
    const reads = w.tableReads + w.configReads;
    this.c.misses.inc();
    this.c.reads.inc(reads);
    this.c.configReads.inc(w.configReads);
    this.c.perTranslation.record(reads);
    yield this.cost.hit + reads * this.cost.read;
    if (w.pa === null) {
      this.c.faults.inc();
      return false;
    }
    return true;
  }

  /** Set by the model: end-of-run gauges. */
  finish?: () => void;

  /** Set by the model: builds the path of a device that sits behind this instance with no vIOMMU. */
  attachHandler: ((device: DeviceSpec, vm: VmRuntime) => DmaPath) | null = null;

  attach(device: DeviceSpec, vm: VmRuntime): DmaPath {
    if (this.attachHandler === null) throw new Error(`${this.id}: no attach handler`);
    return this.attachHandler(device, vm);
  }

  private costOf(cmd: Command): number {
    switch (familyOf(cmd.op)) {
      case 'tlbi': {
        const scope = tlbiScope(cmd);
        return scope === 'page' ? this.cost.tlbi : scope === 'range' ? this.cost.tlbiRange : this.cost.tlbiWide;
      }
      case 'cfgi':
        return this.cost.cfgi;
      case 'atc':
        return this.cost.atc;
      case 'sync':
        return this.cost.sync;
      default:
        return 0;
    }
  }

  private apply(cmd: Command, origin: CommandOrigin): void {
    this.caches.apply(cmd);
    this.c.cmds.inc();
    const fam = familyOf(cmd.op);
    if (fam === 'tlbi') {
      this.c.tlbi.inc();
      if (cmd.op === 'TLBI_S2_IPA' || cmd.op === 'TLBI_S12_VMALL') this.c.s2.inc();
      if (origin === 'guest' && isNhTlbi(cmd.op)) this.c.guestTlbi.inc();
    } else if (fam === 'cfgi') {
      this.c.cfgi.inc();
      if (cmd.op === 'CFGI_ALL') this.cachedConfig.clear();
      else if (cmd.sid !== undefined) this.cachedConfig.delete(cmd.sid);
    } else if (fam === 'sync') {
      this.c.sync.inc();
    }
  }
}

function isVcmdq(q: CommandQueue): q is Vcmdq {
  return 'vintf' in q;
}
