/**
 * SMMUv3 commands as the model carries them: one 16-byte queue entry each, with the fields the
 * simulation needs (not the bit encoding).
 *
 * Models: the opcodes of DOMAIN.md §4, their tags (VMID, ASID, SID, SSID, address range), which
 * commands are tied to one device (and so go to the instance that owns the SID), and which of them
 * Tegra241 CMDQV accepts from a guest VCMDQ.
 * Does not model: the binary layout, stall/terminate fields of RESUME, PRI response codes.
 */

export const CMD_BYTES = 16;

export type Opcode =
  | 'TLBI_NH_ALL'
  | 'TLBI_NH_ASID'
  | 'TLBI_NH_VA'
  | 'TLBI_NH_VAA'
  | 'TLBI_S12_VMALL'
  | 'TLBI_S2_IPA'
  | 'TLBI_NSNH_ALL'
  | 'CFGI_STE'
  | 'CFGI_STE_RANGE'
  | 'CFGI_ALL'
  | 'CFGI_CD'
  | 'CFGI_CD_ALL'
  | 'ATC_INV'
  | 'PRI_RESP'
  | 'RESUME'
  | 'CMD_SYNC';

export interface Command {
  readonly op: Opcode;
  readonly vmid?: number;
  readonly asid?: number;
  readonly sid?: number;
  readonly ssid?: number;
  /** Start of the range (VA for NH_VA/VAA, IPA for S2_IPA, device address for ATC_INV). */
  readonly addr?: number;
  /** Bytes covered (range invalidation); absent = one granule; ATC_INV with size 0 = everything. */
  readonly size?: number;
  /** For CFGI_STE_RANGE: number of SIDs. */
  readonly span?: number;
}

/**
 * A command with every field present (absent ones undefined), so every command the model makes
 * has one object shape: the hot paths read fields off one hidden class instead of many.
 */
export function command(op: Opcode, vmid?: number, asid?: number, sid?: number, addr?: number, size?: number, ssid?: number, span?: number): Command {
  return { op, vmid, asid, sid, ssid, addr, size, span };
}

/** `c` as the hardware (or the kernel) rewrites it: VMID forced, and the SID replaced when `sid` is given. */
export function retagged(c: Command, vmid: number, sid?: number): Command {
  return { op: c.op, vmid, asid: c.asid, sid: sid ?? c.sid, ssid: c.ssid, addr: c.addr, size: c.size, span: c.span };
}

/** The CMD_SYNC closing a batch: commands are never mutated (readonly), so one object serves every batch. */
export const CMD_SYNC: Command = command('CMD_SYNC');

/** Closes a list the caller gives away with CMD_SYNC, in place (no copy per submission). */
export function closedBySync(cmds: Command[]): Command[] {
  cmds.push(CMD_SYNC);
  return cmds;
}

/** Families used by metrics. */
export type CommandFamily = 'tlbi' | 'cfgi' | 'atc' | 'sync' | 'other';

/** A switch on the (interned) opcode string: faster in V8 than a keyed lookup in a table. */
export function familyOf(op: Opcode): CommandFamily {
  switch (op) {
    case 'TLBI_NH_ALL':
    case 'TLBI_NH_ASID':
    case 'TLBI_NH_VA':
    case 'TLBI_NH_VAA':
    case 'TLBI_S12_VMALL':
    case 'TLBI_S2_IPA':
    case 'TLBI_NSNH_ALL':
      return 'tlbi';
    case 'CFGI_STE':
    case 'CFGI_STE_RANGE':
    case 'CFGI_ALL':
    case 'CFGI_CD':
    case 'CFGI_CD_ALL':
      return 'cfgi';
    case 'ATC_INV':
      return 'atc';
    case 'CMD_SYNC':
      return 'sync';
    default:
      return 'other';
  }
}

/** Stage-1 TLBIs issued on behalf of a guest (TLBI_NH_*). */
export function isNhTlbi(op: Opcode): boolean {
  return op === 'TLBI_NH_ALL' || op === 'TLBI_NH_ASID' || op === 'TLBI_NH_VA' || op === 'TLBI_NH_VAA';
}

/** Commands that name a stream: they concern one device and so one physical instance. */
export function isDeviceCommand(op: Opcode): boolean {
  return op === 'CFGI_STE' || op === 'CFGI_STE_RANGE' || op === 'CFGI_CD' || op === 'CFGI_CD_ALL' || op === 'ATC_INV' || op === 'PRI_RESP' || op === 'RESUME';
}

/** What Tegra241 CMDQV executes from a guest-owned VCMDQ (everything else is illegal there). */
export const VCMDQ_ALLOWED: ReadonlySet<Opcode> = new Set<Opcode>(['TLBI_NH_ASID', 'TLBI_NH_VA', 'ATC_INV', 'CMD_SYNC']);

/** Commands the Linux kernel accepts in IOMMU_HWPT_INVALIDATE for an SMMUv3 vIOMMU (arm_smmu_convert_user_cmd). */
export const IOMMUFD_FORWARDABLE: ReadonlySet<Opcode> = new Set<Opcode>([
  'TLBI_NH_VA',
  'TLBI_NH_VAA',
  'TLBI_NH_ALL',
  'TLBI_NH_ASID',
  'ATC_INV',
  'CFGI_CD',
  'CFGI_CD_ALL',
]);

export function metricOpName(op: Opcode): string {
  return op.toLowerCase();
}
