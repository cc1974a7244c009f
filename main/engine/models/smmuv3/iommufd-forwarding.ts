/**
 * Nested vSMMU: what QEMU does with each trapped guest command through iommufd. TLBIs and
 * CFGI_CD go to the kernel with IOMMU_HWPT_INVALIDATE on the vIOMMU object of each physical
 * instance they concern (one command per ioctl, or one ioctl per instance per guest batch);
 * the kernel forces the VM's VMID and turns vSIDs into pSIDs. CFGI_STE becomes a nested HWPT
 * attach (the kernel writes the physical STE and invalidates it).
 *
 * Models: routing by SID for device commands, by broadcast or an ASID lookup table for the
 * others; the ioctl and per-command conversion costs; the host driver's batches (host-driver.ts).
 * Does not model: PRI, vEVENTQ, errors returned by the ioctl.
 */
import type { ProcessGenerator } from '../../kernel';
import type { Counter } from '../../metrics/collector';
import { IOMMUFD_FORWARDABLE, isDeviceCommand, retagged, type Command } from './commands';
import type { Smmuv3ViommuParams } from './params';
import type { GuestCd, PhysicalSmmu } from './physical-smmu';
import type { SmmuWorld, VmNest } from './world';

/** A guest device as the vSMMU knows it: its vSID, the instance and pSID behind it (nested), its CD. */
export interface VDevice {
  readonly vsid: number;
  readonly smmu: PhysicalSmmu | null;
  readonly psid: number;
  readonly cd: GuestCd;
  readonly ats: boolean;
  steInstalled: boolean;
}

/** What the forwarding path reads from its vSMMU. */
export interface ForwardingContext {
  readonly path: string;
  readonly params: Smmuv3ViommuParams;
  readonly world: SmmuWorld;
  readonly nest: VmNest;
  readonly backing: readonly PhysicalSmmu[];
  readonly vdevices: ReadonlyMap<number, VDevice>;
}

export interface ForwardingCosts {
  readonly cfgi: number;
  readonly ioctl: number;
  readonly convert: number;
  readonly hwpt: number;
}

export class IommufdForwarding {
  private readonly asidUsers = new Map<number, Set<PhysicalSmmu>>();

  constructor(
    private readonly v: ForwardingContext,
    private readonly cost: ForwardingCosts,
    private readonly ioctls: Counter,
    private readonly hwptIoctls: Counter,
  ) {}

  /**
   * One trapped command, on the VMM thread; batched forwards collect in `pending` until CMD_SYNC
   * or the end of the batch. Returns the work the VMM thread must wait for (the caller `yield*`s
   * it at once), or null when there is none: a TLBI forwarded alone, whose ioctl cost could be
   * charged in place, hands over the host driver's issue itself — no generator of its own.
   */
  handle(cmd: Command, pending: Map<PhysicalSmmu, Command[]>, cpuIndex: number): ProcessGenerator<void> | null {
    if (cmd.op === 'CMD_SYNC') return this.flush(pending, cpuIndex);
    if (cmd.op === 'CFGI_STE' || cmd.op === 'CFGI_STE_RANGE' || cmd.op === 'CFGI_ALL' || cmd.op === 'CFGI_CD' || cmd.op === 'CFGI_CD_ALL') return this.handleCfgi(cmd, pending, cpuIndex);
    if (!IOMMUFD_FORWARDABLE.has(cmd.op)) return null;
    const targets = this.targets(cmd);
    if (this.v.params.forwarding === 'per-command') {
      if (targets.length === 1) {
        const converted = this.convert(cmd, targets[0]!);
        return converted === null ? null : this.forward(targets[0]!, [converted], cpuIndex);
      }
      return this.forwardEach(cmd, targets, cpuIndex);
    }
    for (const smmu of targets) this.collect(cmd, smmu, pending);
    return null;
  }

  /** Forwards everything collected, one ioctl per instance; null when nothing was. */
  flush(pending: Map<PhysicalSmmu, Command[]>, cpuIndex: number): ProcessGenerator<void> | null {
    if (pending.size === 0) return null;
    return this.flushAll(pending, cpuIndex);
  }

  private *flushAll(pending: Map<PhysicalSmmu, Command[]>, cpuIndex: number): ProcessGenerator<void> {
    for (const [smmu, list] of pending) if (list.length > 0) yield* this.forward(smmu, list, cpuIndex);
    pending.clear();
  }

  private *handleCfgi(cmd: Command, pending: Map<PhysicalSmmu, Command[]>, cpuIndex: number): ProcessGenerator<void> {
    yield this.cost.cfgi;
    if (cmd.op === 'CFGI_STE' || cmd.op === 'CFGI_STE_RANGE' || cmd.op === 'CFGI_ALL') {
      yield* this.installStes(cmd, cpuIndex);
      return;
    }
    this.learnAsid(cmd.sid);
    // CFGI_CD is forwarded like a TLBI (the kernel invalidates the CD).
    const targets = this.targets(cmd);
    if (this.v.params.forwarding === 'per-command') yield* this.forwardEach(cmd, targets, cpuIndex);
    else for (const smmu of targets) this.collect(cmd, smmu, pending);
  }

  private *forwardEach(cmd: Command, targets: readonly PhysicalSmmu[], cpuIndex: number): ProcessGenerator<void> {
    for (const smmu of targets) {
      const converted = this.convert(cmd, smmu);
      if (converted !== null) yield* this.forward(smmu, [converted], cpuIndex);
    }
  }

  private collect(cmd: Command, smmu: PhysicalSmmu, pending: Map<PhysicalSmmu, Command[]>): void {
    const converted = this.convert(cmd, smmu);
    if (converted === null) return;
    let list = pending.get(smmu);
    if (list === undefined) pending.set(smmu, (list = []));
    list.push(converted);
  }

  /** IOMMU_HWPT_INVALIDATE on the vIOMMU object of `smmu`; the kernel issues 63 + CMD_SYNC batches and returns when done. */
  private forward(smmu: PhysicalSmmu, cmds: Command[], cpuIndex: number): ProcessGenerator<void> {
    this.ioctls.inc();
    const ns = this.cost.ioctl + this.cost.convert * cmds.length;
    if (this.v.world.env.advance(ns)) return this.v.world.driver(smmu).issue(cmds, cpuIndex, 'guest');
    return this.forwardAfter(ns, smmu, cmds, cpuIndex);
  }

  private *forwardAfter(ns: number, smmu: PhysicalSmmu, cmds: Command[], cpuIndex: number): ProcessGenerator<void> {
    yield ns;
    yield* this.v.world.driver(smmu).issue(cmds, cpuIndex, 'guest');
  }

  /** Which physical instances a guest command must reach. */
  private targets(cmd: Command): readonly PhysicalSmmu[] {
    if (isDeviceCommand(cmd.op)) {
      const vd = this.v.vdevices.get(cmd.sid ?? -1);
      return vd?.smmu ? [vd.smmu] : [];
    }
    if (this.v.params.dispatch === 'lookup' && (cmd.op === 'TLBI_NH_VA' || cmd.op === 'TLBI_NH_ASID')) {
      return [...(this.asidUsers.get(cmd.asid ?? -1) ?? [])];
    }
    return this.v.backing;
  }

  /** The kernel's conversion: VMID forced to the vIOMMU's, vSID → pSID through the vDEVICE. */
  private convert(cmd: Command, smmu: PhysicalSmmu): Command | null {
    const vmid = this.v.nest.vmidOn(smmu, this.v.path);
    if (cmd.sid === undefined) return retagged(cmd, vmid);
    const vd = this.v.vdevices.get(cmd.sid);
    if (vd === undefined || vd.smmu !== smmu) return null;
    return retagged(cmd, vmid, vd.psid);
  }

  private learnAsid(vsid: number | undefined): void {
    const vd = this.v.vdevices.get(vsid ?? -1);
    if (vd?.smmu == null) return;
    let s = this.asidUsers.get(vd.cd.asid);
    if (s === undefined) this.asidUsers.set(vd.cd.asid, (s = new Set()));
    s.add(vd.smmu);
  }

  /** CFGI_STE: QEMU reads the guest STE and (re)attaches a nested HWPT; the kernel writes the physical STE and invalidates it. */
  private *installStes(cmd: Command, cpuIndex: number): ProcessGenerator<void> {
    const sids = cmd.op === 'CFGI_STE' ? [cmd.sid ?? -1] : cmd.op === 'CFGI_STE_RANGE' ? range(cmd.sid ?? 0, cmd.span ?? 1) : [...this.v.vdevices.keys()];
    for (const vsid of sids) {
      const vd = this.v.vdevices.get(vsid);
      if (vd?.smmu == null) continue;
      const smmu = vd.smmu;
      this.hwptIoctls.inc(vd.steInstalled ? 1 : 2);
      yield this.cost.hwpt * (vd.steInstalled ? 1 : 2);
      vd.steInstalled = true;
      smmu.installSte(vd.psid, { vmid: this.v.nest.vmidOn(smmu, this.v.path), s2: this.v.nest.s2On(smmu), cd: vd.cd });
      this.learnAsid(vsid);
      yield* this.v.world.driver(smmu).issue([{ op: 'CFGI_STE', sid: vd.psid }], cpuIndex, 'host');
    }
  }
}

function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}
