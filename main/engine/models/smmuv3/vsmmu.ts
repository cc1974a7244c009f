/**
 * The guest-visible vSMMU as QEMU provides it (vms[].viommus[] kind "smmuv3"): it owns the guest's
 * ASIDs, CDs and stage-1 tables (guest-domain.ts), the vDEVICEs (vSID → pSID), and routes each
 * guest command batch — to the emulated queue whose PROD write traps (emulated-queue.ts), which
 * forwards through iommufd (nested, iommufd-forwarding.ts) or applies it to QEMU's software
 * IOTLB (emulated, qemu-translation.ts), or, with Tegra241 CMDQV, straight to the guest's own VCMDQ
 * (vcmdq-submission.ts). What it refuses is in vsmmu-topology.ts.
 *
 * Models: one vSMMU over one or several physical instances, per-instance VMIDs, ASID exhaustion,
 * SID substitution limits of a VINTF, re-attach churn and stage-2 changes as background activity.
 * Does not model: event-queue emulation, PRI/stall, guest MSI setup, QEMU's ACPI/IORT plumbing.
 */
import type { ProcessGenerator } from '../../kernel';
import type { Counter } from '../../metrics/collector';
import type { DeviceSpec, VmSpec } from '../../../common/spec';
import { CORE_COSTS } from '../../../common/profile/core';
import { IOMMU_METRICS } from '../../../common/metrics/iommu-common';
import { RadixPageTable } from '../../mem/radix-page-table';
import { DmaIommuPath } from '../../dma/iommu/dma-iommu';
import type { DmaPath } from '../../dma/path';
import type { Vcpu } from '../../machine/vcpu';
import type { VmRuntime } from '../../machine/vm';
import { TopologyError, type IommuInstance, type ModelContext, type ViommuSite } from '../model';
import { CommandQueue } from './cmdq';
import { closedBySync, metricOpName, type Command, type Opcode } from './commands';
import { SMMUV3_COSTS } from './costs';
import { EmulatedQueue } from './emulated-queue';
import { GuestSmmuDomain } from './guest-domain';
import { IdAllocator } from './id-allocator';
import { IommufdForwarding, type VDevice } from './iommufd-forwarding';
import { CMDQ_BATCH_ENTRIES } from './linux-constants';
import { SMMUV3_METRICS } from './metrics';
import { smmuv3DeviceParams, type Smmuv3ViommuParams } from './params';
import type { GuestCd, PhysicalSmmu } from './physical-smmu';
import { QemuTranslation } from './qemu-translation';
import { TaggedCache } from './tagged-cache';
import { VcmdqSubmission } from './vcmdq-submission';
import { SMMUV3_TRAP_COSTS } from './costs-trap';
import { SMMUV3_TRAP_METRICS } from './metrics-trap';
import { allocateVintf, backingInstances, deviceInstance } from './vsmmu-topology';
import { SmmuWorld, type VmNest } from './world';

export class VSmmu implements IommuInstance {
  readonly id: string;
  readonly vm: VmSpec;
  readonly params: Smmuv3ViommuParams;
  readonly path: string;
  readonly world: SmmuWorld;
  readonly nest: VmNest;
  readonly backing: PhysicalSmmu[];
  /** The guest's ASIDs; the vSMMU advertises the ASID width of the (first) instance behind it. */
  readonly guestAsids: IdAllocator;
  /** The guest-visible command queue (emulated; its PROD write traps). */
  readonly emulated: EmulatedQueue;
  /** The guest's VINTF and VCMDQs (vcmdq: true), or null. */
  readonly vcmdq: VcmdqSubmission | null = null;
  readonly vdevices = new Map<number, VDevice>();
  private readonly qemu: QemuTranslation;
  private readonly writeNs: number;
  private readonly guestCmds: Counter;
  private readonly opCounters: Partial<Record<Opcode, Counter>> = {};
  /** Devices behind this vSMMU whose backend registered an IOMMU UNMAP notifier (vhost). */
  private notifierDevices = 0;

  constructor(
    private readonly ctx: ModelContext,
    params: Smmuv3ViommuParams,
    at: ViommuSite,
  ) {
    const spec = at.spec;
    const vm = at.vm;
    const costs = ctx.costs;
    const mc = ctx.metrics;
    this.vm = vm;
    this.id = spec.id;
    this.params = params;
    this.path = at.path;
    this.world = SmmuWorld.of(ctx);
    const p = this.params;
    this.backing = backingInstances(this.world, p, this.path);
    if (p.mode === 'nested' && p.rangeInvalidation) {
      // QEMU's accelerated vSMMU takes IDR3.RIL from the host (smmuv3_accel_check_hw_compatible):
      // it cannot advertise range invalidation the physical SMMU would not execute.
      const without = this.backing.find((b) => !b.params.rangeInvalidation);
      if (without !== undefined) throw new TopologyError(`${this.path}.params.rangeInvalidation`, `a nested vSMMU cannot advertise SMMU_IDR3.RIL over ${without.id}, which has none (QEMU: "Host SMMUv3 doesn't support Range Invalidation")`);
    }
    this.guestAsids = new IdAllocator(`${spec.id} guest ASID`, this.backing[0]?.params.asidBits ?? 16);
    this.nest = this.world.vmNest(vm, p.stage2, p.s2PageSize, this.path);
    const queue = new CommandQueue(`${vm.id}.${spec.id}.cmdq`, p.cmdqLog2);
    const swIotlb = new TaggedCache(Math.max(1, Math.round(costs.get(SMMUV3_COSTS.vsmmuSwIotlbEntries))));
    if (p.mode === 'nested') {
      // One iommufd vIOMMU object per physical instance, each holding this VM's VMID there.
      this.backing.forEach((smmu, k) => this.nest.vmidOn(smmu, `${this.path}.params.backing[${k}]`));
    }
    const vintf = p.vcmdq ? allocateVintf(p, this.backing, this.nest, `${vm.id}/${spec.id}`, this.path) : null;
    const cfgi = costs.ns(SMMUV3_COSTS.vsmmuCfgiEmulateNs);
    this.writeNs = costs.ns(SMMUV3_COSTS.guestSmmuCmdWriteNs);
    this.guestCmds = mc.counter(IOMMU_METRICS.invalGuestCmds);
    const trapped = mc.counter(SMMUV3_METRICS.invalTrappedCmds);
    const direct = mc.counter(SMMUV3_METRICS.invalDirectCmds);
    const exits = mc.counter(IOMMU_METRICS.exitsMmio);
    const vmmNs = mc.counter(SMMUV3_METRICS.invalVmmNs);
    const ioctls = mc.counter(SMMUV3_METRICS.iommufdInvalidateIoctls);
    const hwpt = mc.counter(SMMUV3_METRICS.iommufdHwptIoctls);
    const swHits = mc.counter(SMMUV3_METRICS.vsmmuSwIotlbHits);
    const swWalks = mc.counter(SMMUV3_METRICS.vsmmuSwWalks);
    if (vintf !== null) this.vcmdq = new VcmdqSubmission(vintf.vintf, vintf.queues, this.backing[0]!, costs.ns(SMMUV3_COSTS.guestSmmuDoorbellNs), direct);
    const bql = { wait: mc.histogram(SMMUV3_TRAP_METRICS.bqlWaitNs), waitTotal: mc.counter(SMMUV3_TRAP_METRICS.bqlWaitTotalNs) };
    this.qemu = new QemuTranslation(
      swIotlb,
      {
        swLookup: costs.ns(SMMUV3_COSTS.vsmmuSwIotlbLookupNs),
        swRead: costs.ns(SMMUV3_COSTS.vsmmuSwWalkReadNs),
        cfgi,
        chunk: costs.ns(SMMUV3_TRAP_COSTS.vsmmuInvalChunkNs),
        scan: costs.ns(SMMUV3_TRAP_COSTS.vsmmuSwIotlbScanNs),
        notify: costs.ns(SMMUV3_TRAP_COSTS.vsmmuNotifierNs),
      },
      swHits,
      swWalks,
      bql,
      { chunks: mc.counter(SMMUV3_TRAP_METRICS.rangeChunks), notifications: mc.counter(SMMUV3_TRAP_METRICS.notifierCalls), notifiers: () => this.notifierDevices },
    );
    const handler =
      p.mode === 'emulated'
        ? { emulated: this.qemu }
        : {
            nested: new IommufdForwarding(
              this,
              { cfgi, ioctl: costs.ns(SMMUV3_COSTS.iommufdInvalidateIoctlNs), convert: costs.ns(SMMUV3_COSTS.iommufdInvalidateCmdNs), hwpt: costs.ns(SMMUV3_COSTS.iommufdHwptIoctlNs) },
              ioctls,
              hwpt,
            ),
          };
    this.emulated = new EmulatedQueue(ctx.env, queue, handler, { exit: costs.ns(CORE_COSTS.vmexitMmioUserNs), emulate: costs.ns(SMMUV3_COSTS.vsmmuCmdEmulateNs) }, { exits, trapped, vmmNs }, mc, bql, {
      mode: p.syncWait,
      regRead: costs.ns(SMMUV3_TRAP_COSTS.vsmmuRegReadNs),
      msiWait: costs.ns(SMMUV3_TRAP_COSTS.guestSmmuMsiWaitNs),
      exits: mc.counter(SMMUV3_TRAP_METRICS.syncWaitExits),
    });
  }

  attach(device: DeviceSpec, vm: VmRuntime): DmaPath {
    const di = this.ctx.spec.devices.indexOf(device);
    const dpath = `devices[${di < 0 ? '?' : di}]`;
    const p = this.params;
    const smmu = deviceInstance(this.id, p, this.backing, device, dpath);
    const vsid = this.vdevices.size;
    if (device.attach === 'vhost') this.notifierDevices++;
    const psid = smmu !== null ? smmu.allocSid() : -1;
    const vintf = this.vcmdq?.vintf ?? null;
    if (vintf !== null && !vintf.mapSid(vsid, psid)) {
      throw new TopologyError(`${dpath}.viommu`, `VINTF${vintf.index} of ${smmu!.id} has only ${vintf.cmdqv.sidsPerVintf} SID substitution entries`);
    }
    const asid = this.guestAsids.alloc();
    if (asid === null) throw new TopologyError(`${dpath}.viommu`, `ASID exhaustion: vSMMU ${this.id} has used all ${this.guestAsids.capacity} ${this.guestAsids.bits}-bit ASIDs, none left for ${device.id}`);
    const s1 = this.newGuestTable();
    const cdIpas = p.cdTable === 'linear' ? [this.nest.guestTableAlloc()] : [this.nest.guestTableAlloc(), this.nest.guestTableAlloc()];
    const cd: GuestCd = { asid, s1, cdIpas };
    const ats = smmuv3DeviceParams.parse(device.params).ats;
    const vd: VDevice = { vsid, smmu, psid, cd, ats, steInstalled: false };
    this.vdevices.set(vsid, vd);
    if (ats && smmu !== null) this.nest.atsSids.set(smmu, [...(this.nest.atsSids.get(smmu) ?? []), psid]);
    const domain = new GuestSmmuDomain(this, vm, device, vd, cd);
    const s1Bits = 12 + 9 * s1.levels;
    return new DmaIommuPath(this.ctx.env, this.ctx.costs, this.ctx.metrics, domain, {
      mode: vm.spec.dmaMode ?? 'strict',
      timerCpu: vm.vcpu(0),
      dmaLimit: 2 ** s1Bits,
    });
  }

  newGuestTable(): RadixPageTable {
    const t = new RadixPageTable(this.params.s1Levels, this.nest.guestTableAlloc);
    this.nest.guestTables.push(t);
    return t;
  }

  /** Starts per-VM and per-device background activity once the device is probed. */
  startBackground(vm: VmRuntime, domain: GuestSmmuDomain, deviceIndex: number): void {
    if (this.params.mode === 'nested') this.nest.startChanges(vm, this.params.s2ChangeEvery, this.params.s2ChangeBytes);
    if (this.params.churnEvery > 0) this.ctx.env.process(this.churn(vm, domain, deviceIndex), `${this.id}.churn${deviceIndex}`);
  }

  private *churn(vm: VmRuntime, domain: GuestSmmuDomain, deviceIndex: number): ProcessGenerator<void> {
    const cpu = vm.vcpu(deviceIndex);
    for (;;) {
      yield this.params.churnEvery;
      yield* cpu.run(domain.reattach(cpu));
    }
  }

  /**
   * The guest driver issuing commands (arm_smmu_cmdq_batch): submissions of up to 64 entries,
   * the last closed by CMD_SYNC; each goes to the VCMDQ when every command in it is one the
   * hardware accepts from a guest, else to the emulated queue (a trap). The caller holds `cpu`.
   * One submission (the usual case) is handed straight to its queue, which first charges the
   * guest's writing of the entries: one generator level fewer on every yield below.
   * `cmds` is the caller's to give: the closing CMD_SYNC is appended to it.
   */
  submit(cpu: Vcpu, vm: VmRuntime, cmds: Command[]): ProcessGenerator<void> {
    const all = closedBySync(cmds);
    this.guestCmds.inc(all.length);
    for (let i = 0; i < all.length; i++) this.opCounter(all[i]!.op).inc();
    if (all.length <= CMDQ_BATCH_ENTRIES) return this.post(cpu, vm, all);
    return this.submitBatches(cpu, vm, all);
  }

  private *submitBatches(cpu: Vcpu, vm: VmRuntime, all: readonly Command[]): ProcessGenerator<void> {
    for (let i = 0; i < all.length; i += CMDQ_BATCH_ENTRIES) yield* this.post(cpu, vm, all.slice(i, i + CMDQ_BATCH_ENTRIES));
  }

  /** One submission: written by the guest (writeNs per entry), then posted to its queue. */
  private post(cpu: Vcpu, vm: VmRuntime, sub: readonly Command[]): ProcessGenerator<void> {
    const write = this.writeNs * sub.length;
    if (this.vcmdq !== null && this.vcmdq.accepts(sub)) return this.vcmdq.submit(cpu, sub, write);
    return this.emulated.trap(cpu, vm, sub, write);
  }

  /** Device side of the emulated mode (QEMU's software translation). */
  swTranslate(vm: VmRuntime, cd: GuestCd, iova: number): ProcessGenerator<boolean> {
    return this.qemu.translate(vm, cd, iova);
  }

  finish(): void {
    this.world.emitGauges();
  }

  private opCounter(op: Opcode): Counter {
    return (this.opCounters[op] ??= this.ctx.metrics.counter(SMMUV3_METRICS.invalGuestCmdOf.of(metricOpName(op))));
  }
}
