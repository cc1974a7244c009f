/**
 * The PHB's DMA windows as QEMU's sPAPR PHB manages them, and the RTAS calls of dynamic DMA
 * windows (ibm,query-pe-dma-window, ibm,create-pe-dma-window, ibm,remove-pe-dma-window,
 * ibm,reset-pe-dma-window).
 *
 * Models: a fixed set of LIOBNs per PHB (one per possible window; at most `maxWindows` active,
 * 2 in QEMU); the default window on the first LIOBN at bus address 0; create takes the first free
 * LIOBN and places the window at the 32-bit address when no window is active, else at the 64-bit
 * address; the page-size mask by machine version (4K|64K before 4.2; plus 2M and 16M from 4.2),
 * reported in LoPAR bits (2M is bit 8, out of order); query reports free windows and the largest
 * block (QEMU: 0x80000000 TCEs); reset removes the DDWs and restores the default window; a
 * 64-bit address not aligned to the requested page size fails the create (exact: both are
 * multiples of 4 KiB).
 * Does not model: PE config addresses (one PE per PHB), DMA migration. Pure: no time.
 */
import { frameOfAligned } from '../../mem/addr';
import { LiobnTable, type DmaWindow } from './hcalls';
import { TceTable } from './tce-table';

export type RtasRc = 'success' | 'param_error' | 'hw_error';

/** LoPAR "IO page sizes" bits of ibm,query-pe-dma-window, by page shift. */
export const LOPAR_PAGE_BITS: ReadonlyMap<number, number> = new Map([
  [12, 0x01],
  [16, 0x02],
  [24, 0x04],
  [25, 0x08],
  [26, 0x10],
  [27, 0x20],
  [28, 0x40],
  [34, 0x80],
  [21, 0x100],
]);

/** PHB page-size mask (bit n = 2^n bytes) a pseries machine version offers. */
export function machinePageMask(version: string): number {
  const [major, minor] = version.split('.').map(Number) as [number, number];
  const newer = major > 4 || (major === 4 && minor >= 2);
  const shifts = newer ? [12, 16, 21, 24] : [12, 16];
  return shifts.reduce((m, s) => m + 2 ** s, 0);
}

export function pageMaskFromSizes(sizes: readonly number[]): number {
  return [...new Set(sizes)].reduce((m, s) => m + s, 0);
}

/** Translates a PHB page mask to the LoPAR query bits (sizes with no LoPAR bit are dropped). */
export function toLoparMask(pageMask: number): number {
  let out = 0;
  for (const [shift, bit] of LOPAR_PAGE_BITS) if (Math.floor(pageMask / 2 ** shift) % 2 === 1) out |= bit;
  return out;
}

export interface PhbConfig {
  defaultWindowBytes: number;
  defaultPageShift: number;
  ddw: boolean;
  pageMask: number;
  maxWindows: number;
  largestBlock: number;
  dma64Addr: number;
  levels: number;
  levelMinBytes: number;
}

export interface QueryResult {
  rc: RtasRc;
  windowsAvailable: number;
  largestBlock: number;
  pageSizes: number;
}

export interface CreateResult {
  rc: RtasRc;
  window?: DmaWindow;
}

/** Base LIOBN of a PHB; QEMU derives LIOBNs from the PHB index. */
const LIOBN_BASE = 0x80000000;

export class PhbWindows {
  readonly liobns = new LiobnTable();
  private readonly slots: number[];
  readonly defaultLiobn: number;

  constructor(
    readonly cfg: PhbConfig,
    phbIndex = 0,
  ) {
    this.slots = Array.from({ length: cfg.maxWindows }, (_, n) => LIOBN_BASE + phbIndex * 0x100 + n);
    this.defaultLiobn = this.slots[0]!;
    this.enableDefault();
  }

  get activeWindows(): number {
    return this.liobns.all().length;
  }

  defaultWindow(): DmaWindow | undefined {
    return this.liobns.get(this.defaultLiobn);
  }

  query(): QueryResult {
    if (!this.cfg.ddw) return { rc: 'param_error', windowsAvailable: 0, largestBlock: 0, pageSizes: 0 };
    return {
      rc: 'success',
      windowsAvailable: this.cfg.maxWindows - this.activeWindows,
      largestBlock: this.cfg.largestBlock,
      pageSizes: toLoparMask(this.cfg.pageMask),
    };
  }

  create(pageShift: number, windowShift: number): CreateResult {
    if (!this.cfg.ddw) return { rc: 'param_error' };
    if (Math.floor(this.cfg.pageMask / 2 ** pageShift) % 2 !== 1 || windowShift < pageShift) return { rc: 'param_error' };
    const liobn = this.slots.find((l) => this.liobns.get(l) === undefined);
    if (liobn === undefined || this.activeWindows >= this.cfg.maxWindows) return { rc: 'hw_error' };
    const entries = 2 ** (windowShift - pageShift);
    const busOffset = this.activeWindows === 0 ? 0 : this.cfg.dma64Addr;
    // A window whose first page would straddle its base is refused (the model's choice: QEMU would
    // translate it, but Linux derives it_offset = base >> page_shift and could not use it).
    if (busOffset % 2 ** pageShift !== 0) return { rc: 'param_error' };
    const window: DmaWindow = { liobn, busOffset, busPfn: frameOfAligned(busOffset), pageShift, table: new TceTable(pageShift, entries, this.cfg.levels, this.cfg.levelMinBytes) };
    this.liobns.add(window);
    return { rc: 'success', window };
  }

  remove(liobn: number): RtasRc {
    if (!this.cfg.ddw || !this.liobns.remove(liobn)) return 'param_error';
    return 'success';
  }

  reset(): RtasRc {
    if (!this.cfg.ddw) return 'param_error';
    for (const w of this.liobns.all()) this.liobns.remove(w.liobn);
    this.enableDefault();
    return 'success';
  }

  /** Memory of every active window's table. */
  tableBytes(): number {
    return this.liobns.all().reduce((s, w) => s + w.table.tableBytes, 0);
  }

  visibleBytes(): number {
    return this.liobns.all().reduce((s, w) => s + w.table.visibleBytes, 0);
  }

  private enableDefault(): void {
    const entries = this.cfg.defaultWindowBytes / 2 ** this.cfg.defaultPageShift;
    this.liobns.add({
      liobn: this.defaultLiobn,
      busOffset: 0,
      busPfn: 0,
      pageShift: this.cfg.defaultPageShift,
      table: new TceTable(this.cfg.defaultPageShift, entries, this.cfg.levels, this.cfg.levelMinBytes),
    });
  }
}
