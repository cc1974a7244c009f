/**
 * The guest-visible vSMMU as QEMU provides it (vms[].viommus[] kind "smmuv3"): the emulated
 * command queue whose PROD write traps, the VMM thread executing each command, and what it does
 * with them — nested (iommufd: forward TLBIs/CFGI_CD with IOMMU_HWPT_INVALIDATE, turn CFGI_STE into
 * a nested HWPT attach) or emulated (software IOTLB and walks) — plus, with Tegra241 CMDQV, the
 * guest's own VCMDQ that the hardware consumes with no trap.
 *
 * Models: the trap (vCPU exit cost) and the single VMM thread as a contended resource; per-command
 * emulation cost; forwarding one command per ioctl or one ioctl per instance per guest batch;
 * one vSMMU over several physical instances routing device commands by SID and the others by
 * broadcast or by an ASID lookup table; per-instance VMIDs; vDEVICEs (vSID → pSID); VINTF and
 * VCMDQ allocation with their limits as topology errors.
 * Does not model: event-queue emulation, PRI/stall, guest MSI setup, QEMU's ACPI/IORT plumbing.
 */
import type { ProcessGenerator } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Counter, Metrics } from '../../metrics/collector';
import type { DeviceSpec, VmSpec } from '../../../common/spec';
import { smmuv3DeviceParams, type Smmuv3ViommuParams } from './params';
import { GRANULE, RadixPageTable } from '../../mem/radix-page-table';
import { DmaIommuPath } from '../../dma/iommu/dma-iommu';
import type { DmaPath } from '../../dma/path';
import type { Vcpu } from '../../machine/vcpu';
import type { VmRuntime } from '../../machine/vm';
import { TopologyError, type IommuInstance, type ModelContext, type ViommuSite } from '../model';
import { CommandQueue } from './cmdq';
import type { Vcmdq, Vintf } from './cmdqv/cmdqv';
import { familyOf, IOMMUFD_FORWARDABLE, isDeviceCommand, metricOpName, VCMDQ_ALLOWED, type Command, type Opcode } from './commands';
import { GuestSmmuDomain } from './guest-domain';
import { IdAllocator } from './id-allocator';
import { CMDQ_BATCH_ENTRIES } from './linux-constants';
import type { GuestCd, PhysicalSmmu } from './physical-smmu';
import { TaggedCache } from './tagged-cache';
import { SmmuWorld, type VmNest } from './world';
import { CORE_COSTS } from '../../../common/profile/core';
import { SMMUV3_COSTS } from './costs';
import { SMMUV3_METRICS } from './metrics';
import { IOMMU_METRICS } from '../../../common/metrics/iommu-common';

interface VDevice {
  readonly vsid: number;
  readonly smmu: PhysicalSmmu | null;
  readonly psid: number;
  readonly cd: GuestCd;
  readonly ats: boolean;
  steInstalled: boolean;
}

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
  readonly queue: CommandQueue;
  readonly vintf: Vintf | null = null;
  /** The guest's VCMDQs in its VINTF (the guest driver picks one per CPU). */
  readonly vcmdqs: Vcmdq[] = [];
  readonly swIotlb: TaggedCache<number>;
  private readonly vdevices = new Map<number, VDevice>();
  private readonly asidUsers = new Map<number, Set<PhysicalSmmu>>();
  private readonly cost: Record<string, number>;
  private readonly m: Record<string, Counter>;
  private readonly metrics: Metrics;
  private readonly opCounters = new Map<Opcode, Counter>();
  private readonly familyCounters = new Map<string, Counter>();

  constructor(
    private readonly ctx: ModelContext,
    params: Smmuv3ViommuParams,
    at: ViommuSite,
  ) {
    const spec = at.spec;
    const vm = at.vm;
    this.vm = vm;
    this.id = spec.id;
    this.params = params;
    this.path = at.path;
    this.world = SmmuWorld.of(ctx);
    const p = this.params;
    // An emulated vSMMU is QEMU alone: no physical instance behind it.
    this.backing = (p.mode === 'emulated' ? [] : p.backing).map((b, k) => {
      const smmu = this.world.physical.get(b);
      if (smmu === undefined) {
        const known = [...this.world.physical.keys()];
        throw new TopologyError(`${this.path}.params.backing[${k}]`, `no physical SMMUv3 "${b}" in host.iommus (smmuv3 instances: ${known.length ? known.join(', ') : 'none'})`);
      }
      return smmu;
    });
    if (new Set(this.backing).size !== this.backing.length) throw new TopologyError(`${this.path}.params.backing`, 'a physical SMMU is listed twice');
    this.guestAsids = new IdAllocator(`${spec.id} guest ASID`, this.backing[0]?.params.asidBits ?? 16);
    this.nest = this.world.vmNest(vm, p.stage2, p.s2PageSize, this.path);
    this.queue = new CommandQueue(`${vm.id}.${spec.id}.cmdq`, p.cmdqLog2);
    const costs: Costs = ctx.costs;
    this.swIotlb = new TaggedCache<number>(Math.max(1, Math.round(costs.get(SMMUV3_COSTS.vsmmuSwIotlbEntries))));
    this.metrics = ctx.metrics;
    if (p.mode === 'nested') {
      // One iommufd vIOMMU object per physical instance, each holding this VM's VMID there.
      this.backing.forEach((smmu, k) => this.nest.vmidOn(smmu, `${this.path}.params.backing[${k}]`));
    }
    if (p.vcmdq) {
      if (p.mode !== 'nested') throw new TopologyError(`${this.path}.params.vcmdq`, 'vCMDQ needs a nested vSMMU (the hardware executes the guest queue)');
      if (this.backing.length !== 1) {
        throw new TopologyError(`${this.path}.params.vcmdq`, `vCMDQ needs one vSMMU per physical SMMU; this vSMMU spans ${this.backing.length} (${p.backing.join(', ')})`);
      }
      const smmu = this.backing[0]!;
      if (smmu.cmdqv === null) throw new TopologyError(`${this.path}.params.vcmdq`, `${smmu.id} has no CMDQV (set host.iommus[].params.cmdqv)`);
      const vintf = smmu.cmdqv.allocVintf(`${vm.id}/${spec.id}`, this.nest.vmidOn(smmu, this.path));
      if (vintf === null) {
        throw new TopologyError(`${this.path}.params.vcmdq`, `more VINTFs than ${smmu.id} has: its CMDQV has ${smmu.cmdqv.numVintfs} VINTFs, VINTF0 is the host's and the other ${smmu.cmdqv.numVintfs - 1} are taken`);
      }
      for (let i = 0; i < p.vcmdqs; i++) {
        const q = vintf.allocQueue(p.vcmdqLog2);
        if (q === null) throw new TopologyError(`${this.path}.params.vcmdqs`, `${smmu.id} cannot give this VM ${p.vcmdqs} VCMDQs of 2^${p.vcmdqLog2} entries (${smmu.cmdqv.numVcmdqs} in the CMDQV, ${smmu.cmdqv.vcmdqsFree} free)`);
        this.vcmdqs.push(q);
      }
      this.vintf = vintf;
    }
    this.cost = {
      write: costs.ns(SMMUV3_COSTS.guestSmmuCmdWriteNs),
      doorbell: costs.ns(SMMUV3_COSTS.guestSmmuDoorbellNs),
      exit: costs.ns(CORE_COSTS.vmexitMmioUserNs),
      emulate: costs.ns(SMMUV3_COSTS.vsmmuCmdEmulateNs),
      cfgi: costs.ns(SMMUV3_COSTS.vsmmuCfgiEmulateNs),
      ioctl: costs.ns(SMMUV3_COSTS.iommufdInvalidateIoctlNs),
      convert: costs.ns(SMMUV3_COSTS.iommufdInvalidateCmdNs),
      hwpt: costs.ns(SMMUV3_COSTS.iommufdHwptIoctlNs),
      swLookup: costs.ns(SMMUV3_COSTS.vsmmuSwIotlbLookupNs),
      swRead: costs.ns(SMMUV3_COSTS.vsmmuSwWalkReadNs),
    };
    const mc = ctx.metrics;
    this.m = {
      guest: mc.counter(IOMMU_METRICS.invalGuestCmds),
      trapped: mc.counter(SMMUV3_METRICS.invalTrappedCmds),
      direct: mc.counter(SMMUV3_METRICS.invalDirectCmds),
      exits: mc.counter(IOMMU_METRICS.exitsMmio),
      vmmNs: mc.counter(SMMUV3_METRICS.invalVmmNs),
      ioctls: mc.counter(SMMUV3_METRICS.iommufdInvalidateIoctls),
      hwpt: mc.counter(SMMUV3_METRICS.iommufdHwptIoctls),
      swHits: mc.counter(SMMUV3_METRICS.vsmmuSwIotlbHits),
      swWalks: mc.counter(SMMUV3_METRICS.vsmmuSwWalks),
    };
  }

  attach(device: DeviceSpec, vm: VmRuntime): DmaPath {
    const di = this.ctx.spec.devices.indexOf(device);
    const dpath = `devices[${di < 0 ? '?' : di}]`;
    const p = this.params;
    let smmu: PhysicalSmmu | null = null;
    if (p.mode === 'nested') {
      if (device.attach !== 'vfio') throw new TopologyError(`${dpath}.attach`, `a nested vSMMU translates in hardware and needs an assigned (vfio) device, not "${device.attach}"`);
      if (device.hostIommu === undefined) throw new TopologyError(`${dpath}.hostIommu`, `device ${device.id} behind nested vSMMU ${this.id} must name its physical SMMU`);
      smmu = this.backing.find((s) => s.id === device.hostIommu) ?? null;
      if (smmu === null) {
        throw new TopologyError(
          `${dpath}.hostIommu`,
          `vDEVICE ${device.id} sits behind ${device.hostIommu}, but vSMMU ${this.id} is a vIOMMU of ${p.backing.join(', ')}: a vDEVICE must be created on the vIOMMU of its own physical SMMU`,
        );
      }
    } else if (device.attach === 'vfio') {
      throw new TopologyError(`${dpath}.attach`, `QEMU's emulated SMMUv3 cannot translate for a vfio device (no MAP notifier); use mode "nested"`);
    }
    const vsid = this.vdevices.size;
    const psid = smmu !== null ? smmu.allocSid() : -1;
    if (this.vintf !== null && !this.vintf.mapSid(vsid, psid)) {
      throw new TopologyError(`${dpath}.viommu`, `VINTF${this.vintf.index} of ${smmu!.id} has only ${this.vintf.cmdqv.sidsPerVintf} SID substitution entries`);
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
    const domain = new GuestSmmuDomain(this, vm, device, vd, () => this.vdevices.get(vsid)!.cd);
    const s1Bits = 12 + 9 * s1.levels;
    return new DmaIommuPath(this.ctx.env, this.ctx.costs, this.ctx.metrics, domain, {
      mode: vm.spec.dmaMode,
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
   */
  *submit(cpu: Vcpu, vm: VmRuntime, cmds: readonly Command[]): ProcessGenerator<void> {
    const all: Command[] = [...cmds, { op: 'CMD_SYNC' }];
    this.m.guest!.inc(all.length);
    for (const c of all) this.opCounter(c.op).inc();
    for (let i = 0; i < all.length; i += CMDQ_BATCH_ENTRIES) {
      const sub = all.slice(i, i + CMDQ_BATCH_ENTRIES);
      yield this.cost.write! * sub.length;
      if (this.vcmdqs.length > 0 && sub.every((c) => VCMDQ_ALLOWED.has(c.op))) {
        yield this.cost.doorbell!;
        this.m.direct!.inc(sub.length);
        yield* this.backing[0]!.execute(this.vcmdqs[cpu.index % this.vcmdqs.length]!, sub, 'guest');
      } else {
        yield* this.trap(cpu, vm, sub);
      }
    }
  }

  /** Device side of the emulated mode: QEMU's software IOTLB, then a software stage-1 walk. */
  *swTranslate(vm: VmRuntime, cd: GuestCd, iova: number): ProcessGenerator<boolean> {
    yield vm.vmmThread.request();
    try {
      const page = String(Math.floor(iova / GRANULE));
      const tag = String(cd.asid);
      if (this.swIotlb.get(tag, page) !== undefined) {
        this.m.swHits!.inc();
        yield this.cost.swLookup!;
        return true;
      }
      this.m.swWalks!.inc();
      const w = cd.s1.walk(iova);
      yield this.cost.swLookup! + w.steps.length * this.cost.swRead!;
      if (w.out === null) return false;
      // QEMU empties the whole software IOTLB when it is full (smmu_iotlb_insert).
      if (this.swIotlb.size >= this.swIotlb.capacity) this.swIotlb.clear();
      this.swIotlb.set(tag, page, w.out - (w.out % GRANULE));
      return true;
    } finally {
      vm.vmmThread.release();
    }
  }

  finish(): void {
    this.world.emitGauges();
  }

  private opCounter(op: Opcode): Counter {
    let c = this.opCounters.get(op);
    if (c === undefined) this.opCounters.set(op, (c = this.metrics.counter(SMMUV3_METRICS.invalGuestCmdOf.of(metricOpName(op)))));
    return c;
  }

  private familyCounter(f: string): Counter {
    let c = this.familyCounters.get(f);
    if (c === undefined) this.familyCounters.set(f, (c = this.metrics.counter(SMMUV3_METRICS.invalTrappedCmdsOf.of(f))));
    return c;
  }

  /** A guest CMDQ_PROD write: exit to QEMU, which executes the new commands on its thread. */
  private *trap(cpu: Vcpu, vm: VmRuntime, sub: readonly Command[]): ProcessGenerator<void> {
    this.m.exits!.inc();
    this.m.trapped!.inc(sub.length);
    for (const c of sub) this.familyCounter(familyOf(c.op)).inc();
    if (!this.queue.push(sub)) throw new Error(`${this.queue.name}: guest batch larger than its queue`);
    yield this.cost.exit!;
    yield vm.vmmThread.request();
    const t0 = this.ctx.env.now;
    try {
      yield* this.emulate(this.queue.consume(), cpu.index);
    } finally {
      this.m.vmmNs!.inc(this.ctx.env.now - t0);
      vm.vmmThread.release();
    }
  }

  private *emulate(cmds: readonly Command[], cpuIndex: number): ProcessGenerator<void> {
    const pending = new Map<PhysicalSmmu, Command[]>();
    for (const cmd of cmds) {
      yield this.cost.emulate!;
      if (this.params.mode === 'emulated') {
        yield* this.emulateInQemu(cmd);
        continue;
      }
      if (cmd.op === 'CMD_SYNC') {
        yield* this.flushPending(pending, cpuIndex);
        continue;
      }
      if (cmd.op === 'CFGI_STE' || cmd.op === 'CFGI_STE_RANGE' || cmd.op === 'CFGI_ALL') {
        yield this.cost.cfgi!;
        yield* this.installStes(cmd, cpuIndex);
        continue;
      }
      if (cmd.op === 'CFGI_CD' || cmd.op === 'CFGI_CD_ALL') {
        yield this.cost.cfgi!;
        this.learnAsid(cmd.sid);
      }
      if (!IOMMUFD_FORWARDABLE.has(cmd.op)) continue;
      for (const smmu of this.targets(cmd)) {
        const converted = this.convert(cmd, smmu);
        if (converted === null) continue;
        if (this.params.forwarding === 'per-command') yield* this.forward(smmu, [converted], cpuIndex);
        else {
          let list = pending.get(smmu);
          if (list === undefined) pending.set(smmu, (list = []));
          list.push(converted);
        }
      }
    }
    yield* this.flushPending(pending, cpuIndex);
  }

  private *flushPending(pending: Map<PhysicalSmmu, Command[]>, cpuIndex: number): ProcessGenerator<void> {
    for (const [smmu, list] of pending) if (list.length > 0) yield* this.forward(smmu, list, cpuIndex);
    pending.clear();
  }

  /** IOMMU_HWPT_INVALIDATE on the vIOMMU object of `smmu`; the kernel issues 63 + CMD_SYNC batches and returns when done. */
  private *forward(smmu: PhysicalSmmu, cmds: Command[], cpuIndex: number): ProcessGenerator<void> {
    this.m.ioctls!.inc();
    yield this.cost.ioctl! + this.cost.convert! * cmds.length;
    yield* this.world.driver(smmu).issue(cmds, cpuIndex, 'guest');
  }

  /** Which physical instances a guest command must reach. */
  private targets(cmd: Command): PhysicalSmmu[] {
    if (isDeviceCommand(cmd.op)) {
      const vd = this.vdevices.get(cmd.sid ?? -1);
      return vd?.smmu ? [vd.smmu] : [];
    }
    if (this.params.dispatch === 'lookup' && (cmd.op === 'TLBI_NH_VA' || cmd.op === 'TLBI_NH_ASID')) {
      return [...(this.asidUsers.get(cmd.asid ?? -1) ?? [])];
    }
    return this.backing;
  }

  /** The kernel's conversion: VMID forced to the vIOMMU's, vSID → pSID through the vDEVICE. */
  private convert(cmd: Command, smmu: PhysicalSmmu): Command | null {
    const vmid = this.nest.vmidOn(smmu, this.path);
    if (cmd.sid === undefined) return { ...cmd, vmid };
    const vd = this.vdevices.get(cmd.sid);
    if (vd === undefined || vd.smmu !== smmu) return null;
    return { ...cmd, vmid, sid: vd.psid };
  }

  private learnAsid(vsid: number | undefined): void {
    const vd = this.vdevices.get(vsid ?? -1);
    if (vd?.smmu == null) return;
    let s = this.asidUsers.get(vd.cd.asid);
    if (s === undefined) this.asidUsers.set(vd.cd.asid, (s = new Set()));
    s.add(vd.smmu);
  }

  /** CFGI_STE: QEMU reads the guest STE and (re)attaches a nested HWPT; the kernel writes the physical STE and invalidates it. */
  private *installStes(cmd: Command, cpuIndex: number): ProcessGenerator<void> {
    const sids = cmd.op === 'CFGI_STE' ? [cmd.sid ?? -1] : cmd.op === 'CFGI_STE_RANGE' ? range(cmd.sid ?? 0, cmd.span ?? 1) : [...this.vdevices.keys()];
    for (const vsid of sids) {
      const vd = this.vdevices.get(vsid);
      if (vd?.smmu == null) continue;
      const smmu = vd.smmu;
      this.m.hwpt!.inc(vd.steInstalled ? 1 : 2);
      yield this.cost.hwpt! * (vd.steInstalled ? 1 : 2);
      vd.steInstalled = true;
      smmu.installSte(vd.psid, { vmid: this.nest.vmidOn(smmu, this.path), s2: this.nest.s2On(smmu), cd: vd.cd });
      this.learnAsid(vsid);
      yield* this.world.driver(smmu).issue([{ op: 'CFGI_STE', sid: vd.psid }], cpuIndex, 'host');
    }
  }

  /** Emulated mode: QEMU applies the command to its own caches. */
  private *emulateInQemu(cmd: Command): ProcessGenerator<void> {
    switch (cmd.op) {
      case 'TLBI_NH_VA': {
        const first = Math.floor((cmd.addr ?? 0) / GRANULE);
        const pages = Math.max(1, Math.ceil((cmd.size ?? GRANULE) / GRANULE));
        for (let p = first; p < first + pages; p++) this.swIotlb.delete(String(cmd.asid ?? 0), String(p));
        return;
      }
      case 'TLBI_NH_ASID':
        this.swIotlb.deleteTag(String(cmd.asid ?? 0));
        return;
      case 'TLBI_NH_ALL':
      case 'TLBI_NH_VAA':
      case 'TLBI_NSNH_ALL':
        this.swIotlb.clear();
        return;
      default:
        if (familyOf(cmd.op) === 'cfgi') yield this.cost.cfgi!;
    }
  }
}

function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}
