/**
 * NVIDIA Tegra241 CMDQ-Virtualization as data: the VINTFs and VCMDQs of one physical SMMU, the
 * stream-ID substitution table of each VINTF, and the error maps.
 *
 * Models: counts from the PARAM register (2^n VINTFs, 2^m VCMDQs shared among them), VINTF0
 * reserved for the host kernel, one VINTF per VM, the per-VINTF SID match/replace table (a guest
 * vSID is rewritten to the physical SID; its size bounds the devices a VM can map), the VMID the
 * hardware forces on every guest command, the commands a guest queue may carry (TLBI_NH_ASID,
 * TLBI_NH_VA, ATC_INV, CMD_SYNC; anything else is illegal and stalls that queue), and the global
 * and per-VINTF error maps software reads to find the stalled queue.
 * Does not model: the MMIO page layout, queue base contiguity checks, interrupts.
 */
import { retagged, VCMDQ_ALLOWED, type Command } from '../commands';
import { CommandQueue } from '../cmdq';

export class Vintf {
  readonly queues: Vcmdq[] = [];
  private readonly sids = new Map<number, number>();
  /** Bit per logical VCMDQ with a pending error (the VINTF's LVCMDQ_ERR_MAP). */
  readonly lvcmdqErrMap = new Set<number>();

  constructor(
    readonly cmdqv: Cmdqv,
    readonly index: number,
    readonly owner: string,
    readonly vmid: number,
  ) {}

  /** Adds a vSID → pSID substitution; false when the table is full. */
  mapSid(vsid: number, psid: number): boolean {
    if (!this.sids.has(vsid) && this.sids.size >= this.cmdqv.sidsPerVintf) return false;
    this.sids.set(vsid, psid);
    return true;
  }

  physicalSid(vsid: number): number | undefined {
    return this.sids.get(vsid);
  }

  /** Allocates a logical VCMDQ of 2^log2 entries for this VINTF; null when the hardware has no more. */
  allocQueue(log2Entries: number): Vcmdq | null {
    if (this.cmdqv.vcmdqsFree === 0) return null;
    if (log2Entries > this.cmdqv.maxQueueLog2) return null;
    this.cmdqv.takeVcmdq();
    const q = new Vcmdq(this, this.queues.length, log2Entries);
    this.queues.push(q);
    return q;
  }
}

/** A guest-owned queue: only the allowed commands execute, with VMID and SID substituted. */
export class Vcmdq extends CommandQueue {
  constructor(
    readonly vintf: Vintf,
    readonly lidx: number,
    log2Entries: number,
  ) {
    super(`vintf${vintf.index}.vcmdq${lidx}`, log2Entries, (cmd) => {
      // VINTF0 is hypervisor-owned and accepts every command; guest VINTFs only the allowed ones.
      if (vintf.index === 0) return null;
      if (!VCMDQ_ALLOWED.has(cmd.op)) return 'ILL';
      if (cmd.op === 'ATC_INV' && vintf.physicalSid(cmd.sid ?? -1) === undefined) return 'ILL';
      return null;
    });
  }

  /** Consumes like a CMDQ, then rewrites each command as the hardware executes it; an error is reported in the error maps. */
  consumeSubstituted(max = Infinity, out?: Command[]): Command[] {
    const cmds = this.consume(max, out);
    for (let i = 0; i < cmds.length; i++) cmds[i] = this.substitute(cmds[i]!);
    if (this.error !== null) {
      this.vintf.lvcmdqErrMap.add(this.lidx);
      this.vintf.cmdqv.vintfErrMap.add(this.vintf.index);
    }
    return cmds;
  }

  /** Acknowledging also clears the error-map bits. */
  override acknowledge(): ReturnType<CommandQueue['acknowledge']> {
    const e = super.acknowledge();
    this.vintf.lvcmdqErrMap.delete(this.lidx);
    if (this.vintf.lvcmdqErrMap.size === 0) this.vintf.cmdqv.vintfErrMap.delete(this.vintf.index);
    return e;
  }

  private substitute(c: Command): Command {
    if (c.op === 'CMD_SYNC') return c;
    const sid = c.sid !== undefined ? this.vintf.physicalSid(c.sid) : undefined;
    return retagged(c, this.vintf.vmid, sid);
  }
}

export class Cmdqv {
  private readonly vintfs: (Vintf | undefined)[];
  private vcmdqsUsed = 0;
  /** Bit per VINTF with a queue in error (CMDQV_VINTF_ERR_MAP). */
  readonly vintfErrMap = new Set<number>();

  constructor(
    readonly numVintfs: number,
    readonly numVcmdqs: number,
    readonly sidsPerVintf: number,
    readonly maxQueueLog2: number,
  ) {
    if (numVintfs < 1 || numVcmdqs < 1) throw new RangeError('CMDQV needs at least one VINTF and one VCMDQ');
    this.vintfs = new Array<Vintf | undefined>(numVintfs);
    this.vintfs[0] = new Vintf(this, 0, 'host', 0);
  }

  get host(): Vintf {
    return this.vintfs[0]!;
  }

  get vintfsInUse(): number {
    return this.vintfs.filter((v) => v !== undefined).length;
  }

  get vcmdqsFree(): number {
    return this.numVcmdqs - this.vcmdqsUsed;
  }

  takeVcmdq(): void {
    this.vcmdqsUsed++;
  }

  /** A free VINTF (never VINTF0) for a VM, or null when all are taken. */
  allocVintf(owner: string, vmid: number): Vintf | null {
    for (let i = 1; i < this.numVintfs; i++) {
      if (this.vintfs[i] === undefined) return (this.vintfs[i] = new Vintf(this, i, owner, vmid));
    }
    return null;
  }
}
