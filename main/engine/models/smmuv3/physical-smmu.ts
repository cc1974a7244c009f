/**
 * One physical SMMUv3 instance at run time (host.iommus[] kind "smmuv3"): its stream table,
 * VMID/ASID namespaces, translation caches, command queues (main CMDQ, and with Tegra241 CMDQV
 * the host's VINTF0 queues and the guests' VCMDQs) and the single command-execution engine they
 * share, plus the device side of translation.
 *
 * Models: the instance's structure and namespaces (stream table, VMIDs, ASIDs, queues by kind,
 * which queue the host uses from a CPU); command execution is command-execution.ts, the device
 * side of translation device-translation.ts.
 * Does not model: event/PRI queues, MSIs, the TBU/TCU split, ATS translation requests.
 */
import { Resource, type Environment, type ProcessGenerator } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Metrics } from '../../metrics/collector';
import type { DeviceSpec } from '../../../common/spec';
import type { Smmuv3HostParams } from './params';
import type { RadixPageTable } from '../../mem/radix-page-table';
import type { DmaPath } from '../../dma/path';
import type { VmRuntime } from '../../machine/vm';
import type { IommuInstance } from '../model';
import type { BusyOverlap } from './busy-overlap';
import { CommandQueue } from './cmdq';
import { Cmdqv, type Vcmdq } from './cmdqv/cmdqv';
import type { Command } from './commands';
import { CommandExecution, type CommandOrigin, type ExecuteWaits } from './command-execution';
import { DeviceTranslation } from './device-translation';
import { IdAllocator } from './id-allocator';
import { SMMUV3_WALK_METRICS } from './metrics-walk';
import { StreamTable } from './stream-table';
import { TranslationCaches } from './translation-caches';
import { IOMMU_METRICS } from '../../../common/metrics/iommu-common';
import { SMMUV3_COSTS } from './costs';
import { SMMUV3_QUEUE_COSTS } from './costs-queues';
import { SMMUV3_METRICS } from './metrics';

export type { CommandOrigin, ExecuteWaits } from './command-execution';

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
  /** The queues' consumption and the commands' execution (command-execution.ts). */
  private readonly execution: CommandExecution;
  /** The device side (device-translation.ts). */
  private readonly translation: DeviceTranslation;
  private nextSid = 0;

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
    // Declared here for both parts (command-execution.ts, device-translation.ts), which take theirs.
    const c = {
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
    const cost = {
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
    this.translation = new DeviceTranslation(env, p, this.streamTable, this.caches, c, cost);
    this.execution = new CommandExecution(env, this.engine, this.caches, this.translation, c, cost);
  }

  /** Time with ≥ 1 and ≥ 2 queues being consumed at once. */
  get overlap(): BusyOverlap {
    return this.execution.overlap;
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
   * is ahead of them in the queue), and returns when they have completed; done in place when it
   * can be, a finished generator back (callers `yield*` it at once). See command-execution.ts.
   */
  execute(queue: CommandQueue, cmds: readonly Command[], origin: CommandOrigin, waits?: ExecuteWaits): ProcessGenerator<void> {
    return this.execution.execute(queue, cmds, origin, waits);
  }

  /** Device side: translates one access from stream `sid`; charges the time; false on a fault (callers `yield*` it at once). See device-translation.ts. */
  translate(sid: number, iova: number): ProcessGenerator<boolean> {
    return this.translation.translate(sid, iova);
  }

  /** Set by the model: end-of-run gauges. */
  finish?: () => void;

  /** Set by the model: builds the path of a device that sits behind this instance with no vIOMMU. */
  attachHandler: ((device: DeviceSpec, vm: VmRuntime) => DmaPath) | null = null;

  attach(device: DeviceSpec, vm: VmRuntime): DmaPath {
    if (this.attachHandler === null) throw new Error(`${this.id}: no attach handler`);
    return this.attachHandler(device, vm);
  }
}
