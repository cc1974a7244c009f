/**
 * The unaccepted-memory bitmap a confidential guest inherits from firmware (EFI
 * unaccepted-memory table, Linux mm/unaccepted_memory.c): one bit per unit (2 MiB), set while
 * the unit has not been accepted (TDX TDG.MEM.PAGE.ACCEPT / SEV-SNP PVALIDATE).
 *
 * Models: marking all of RAM unaccepted at boot except what firmware accepted; the units a range
 * needs accepted (accept_memory rounds to whole units); exact bitmap bytes (1 bit per unit).
 * Does not model: the accept-ahead of the page allocator's watermark logic (callers ask for the
 * ranges they touch), concurrent acceptance of one unit by two CPUs.
 */

export const ACCEPT_UNIT_PAGES = 512;

export class AcceptBitmap {
  private readonly bits: Uint32Array;
  readonly units: number;
  private unaccepted: number;

  constructor(
    /** Guest RAM in 4 KiB pages. */
    readonly pages: number,
    readonly unitPages = ACCEPT_UNIT_PAGES,
  ) {
    this.units = Math.ceil(pages / unitPages);
    this.bits = new Uint32Array(Math.ceil(this.units / 32));
    for (let u = 0; u < this.units; u++) this.bits[u >>> 5]! |= 1 << (u & 31);
    this.unaccepted = this.units;
  }

  /** Bitmap size in bytes (what the guest keeps for it). */
  get bytes(): number {
    return Math.ceil(this.units / 8);
  }

  get unacceptedUnits(): number {
    return this.unaccepted;
  }

  isAccepted(unit: number): boolean {
    return (this.bits[unit >>> 5]! & (1 << (unit & 31))) === 0;
  }

  /**
   * The runs of unaccepted units covering pages [start, end), as [firstUnit, endUnit) pairs, in
   * order; marks them accepted (the caller charges the work).
   */
  take(start: number, end: number): [number, number][] {
    if (start < 0 || end > this.pages || start > end) throw new RangeError(`accept range [${start}, ${end}) outside guest RAM`);
    const out: [number, number][] = [];
    if (start === end || this.unaccepted === 0) return out;
    const u0 = Math.floor(start / this.unitPages);
    const u1 = Math.ceil(end / this.unitPages);
    let u = u0;
    while (u < u1) {
      // Skip whole accepted words quickly.
      if ((u & 31) === 0 && this.bits[u >>> 5] === 0) {
        u += 32;
        continue;
      }
      if (this.isAccepted(u)) {
        u++;
        continue;
      }
      const first = u;
      while (u < u1 && !this.isAccepted(u)) {
        this.bits[u >>> 5]! &= ~(1 << (u & 31));
        u++;
      }
      this.unaccepted -= u - first;
      out.push([first, u]);
    }
    return out;
  }
}
