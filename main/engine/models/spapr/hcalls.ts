/**
 * The semantics of the TCE hypercalls as the hypervisor implements them: argument checks, error
 * returns, and the table updates a successful call makes.
 *
 * Models: H_PUT_TCE (one TCE), H_PUT_TCE_INDIRECT (≤ 512 TCEs read from a 4 KiB-aligned list
 * page in guest memory), H_STUFF_TCE (one value over npages), H_GET_TCE. Checks, as KVM does them
 * (QEMU's are a subset): unknown LIOBN, IOBA not aligned to the window's page size, range outside
 * the window, too many pages, misaligned list page, a TCE whose page lies outside guest RAM,
 * H_STUFF_TCE with permission bits. All checks happen before any entry changes, so a failed call
 * changes nothing.
 * IOBAs are IOMMU-page aligned whenever a call can succeed, hence exact doubles below 2^64
 * (mem/addr.ts); an IOBA that is not is refused before any arithmetic on it matters.
 * Does not model: H_TOO_HARD fallbacks from real mode to virtual mode. Pure: no time.
 */
import { FRAME } from '../../mem/addr';
import { firstBadTce, tceAcceptable, type TceTable, TCE_PERM_MASK, tceAddress } from './tce-table';

export type HcallName = 'h_put_tce' | 'h_put_tce_indirect' | 'h_stuff_tce' | 'h_get_tce';
export type HcallRc = 'h_success' | 'h_parameter';

/** Linux's (and LoPAR's) limit: one 4 KiB list page of 8-byte TCEs. */
export const MAX_INDIRECT_TCES = 512;
export const TCE_LIST_ALIGN = 4096;

export interface DmaWindow {
  readonly liobn: number;
  /** Bus address of the window's first byte (4 KiB aligned, so exact below 2^64: mem/addr.ts). */
  readonly busOffset: number;
  /** The same as a 4 KiB frame number. */
  readonly busPfn: number;
  readonly pageShift: number;
  readonly table: TceTable;
}

export interface HcallResult {
  rc: HcallRc;
  /** Entries written (or read, for H_GET_TCE). */
  tces: number;
  /** Why the call failed, for notes and tests. */
  reason?: string;
  /** H_GET_TCE: the entry. */
  value?: number;
}

export interface GuestMemory {
  readonly ramBytes: number;
  /** Reads `n` 8-byte TCEs from the list page at guest-physical `addr` (a view of guest memory, not a copy). */
  readTceList(addr: number, n: number): ArrayLike<number>;
}

const fail = (reason: string): HcallResult => ({ rc: 'h_parameter', tces: 0, reason });

export class LiobnTable {
  private readonly windows = new Map<number, DmaWindow>();
  /** The window last looked up: hypercalls come in long runs on one window. */
  private last: DmaWindow | undefined;

  add(w: DmaWindow): void {
    if (this.windows.has(w.liobn)) throw new Error(`LIOBN ${w.liobn} already has a window`);
    this.windows.set(w.liobn, w);
  }

  remove(liobn: number): boolean {
    if (this.last?.liobn === liobn) this.last = undefined;
    return this.windows.delete(liobn);
  }

  get(liobn: number): DmaWindow | undefined {
    const last = this.last;
    if (last !== undefined && last.liobn === liobn) return last;
    const w = this.windows.get(liobn);
    if (w !== undefined) this.last = w;
    return w;
  }

  all(): DmaWindow[] {
    return [...this.windows.values()];
  }

  /** The window containing the bus address in 4 KiB frame `pfn`, if any (frames keep 64-bit addresses exact). */
  containing(pfn: number): DmaWindow | undefined {
    for (const w of this.windows.values()) {
      if (pfn >= w.busPfn && pfn < w.busPfn + w.table.entries * (w.table.pageSize / FRAME)) return w;
    }
    return undefined;
  }
}

/** Resolves the window and the first index for `npages` entries at `ioba`, or the failure. */
function locate(liobns: LiobnTable, liobn: number, ioba: number, npages: number): { w: DmaWindow; index: number } | HcallResult {
  const w = liobns.get(liobn);
  if (w === undefined) return fail(`no window with LIOBN ${liobn}`);
  const size = w.table.pageSize;
  if (ioba % size !== 0) return fail(`IOBA ${ioba} not aligned to the window's ${size}-byte pages`);
  const index = (ioba - w.busOffset) / size;
  if (index < 0 || index + npages > w.table.entries) return fail(`IOBA range ${ioba}+${npages} pages outside the window`);
  return { w, index };
}

/** Why the hypervisor refuses `tce` (an invalid TCE is always accepted), or null. */
function checkTce(tce: number, w: DmaWindow, mem: GuestMemory): string | null {
  const size = w.table.pageSize;
  if (tceAcceptable(tce, size, mem.ramBytes)) return null;
  const gpa = tceAddress(tce);
  if (Math.floor(gpa / size) * size !== gpa) return `TCE address ${gpa} not aligned to the window's page size`;
  return `TCE address ${gpa} outside guest RAM`;
}

/** The result of every successful one-entry call but H_GET_TCE: shared, so a boot's 262,144 H_PUT_TCEs allocate nothing. */
const ONE_TCE_DONE: HcallResult = Object.freeze({ rc: 'h_success', tces: 1 });

export function hPutTce(liobns: LiobnTable, mem: GuestMemory, liobn: number, ioba: number, tce: number): HcallResult {
  // locate() inlined for one entry (no {w, index} per call); the same checks in the same order.
  const w = liobns.get(liobn);
  if (w === undefined) return locate(liobns, liobn, ioba, 1) as HcallResult;
  const size = w.table.pageSize;
  const index = (ioba - w.busOffset) / size;
  if (ioba % size !== 0 || index < 0 || index + 1 > w.table.entries) return locate(liobns, liobn, ioba, 1) as HcallResult;
  const bad = checkTce(tce, w, mem);
  if (bad !== null) return fail(bad);
  w.table.set(index, tce);
  return ONE_TCE_DONE;
}

export function hPutTceIndirect(liobns: LiobnTable, mem: GuestMemory, liobn: number, ioba: number, listAddr: number, npages: number): HcallResult {
  if (!Number.isInteger(npages) || npages < 1 || npages > MAX_INDIRECT_TCES) return fail(`npages ${npages} not in 1..${MAX_INDIRECT_TCES}`);
  if (listAddr % TCE_LIST_ALIGN !== 0) return fail(`TCE list at ${listAddr} not 4 KiB aligned`);
  if (listAddr + TCE_LIST_ALIGN > mem.ramBytes) return fail(`TCE list at ${listAddr} outside guest RAM`);
  const at = locate(liobns, liobn, ioba, npages);
  if ('rc' in at) return at;
  const list = mem.readTceList(listAddr, npages);
  const bad = firstBadTce(list, npages, at.w.table.pageSize, mem.ramBytes);
  if (bad >= 0) return fail(checkTce(list[bad] ?? 0, at.w, mem)!);
  at.w.table.setMany(at.index, list, npages);
  return { rc: 'h_success', tces: npages };
}

export function hStuffTce(liobns: LiobnTable, liobn: number, ioba: number, value: number, npages: number): HcallResult {
  if (!Number.isInteger(npages) || npages < 1) return fail(`npages ${npages} must be positive`);
  if ((value % 4096 & TCE_PERM_MASK) !== 0) return fail('H_STUFF_TCE value carries permission bits');
  const at = locate(liobns, liobn, ioba, npages);
  if ('rc' in at) return at;
  at.w.table.fill(at.index, npages, value);
  return { rc: 'h_success', tces: npages };
}

export function hGetTce(liobns: LiobnTable, liobn: number, ioba: number): HcallResult {
  const at = locate(liobns, liobn, ioba, 1);
  if ('rc' in at) return at;
  return { rc: 'h_success', tces: 1, value: at.w.table.get(at.index) };
}
