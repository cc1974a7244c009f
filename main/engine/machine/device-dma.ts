/**
 * A device's DMA as a state machine: the one mechanism behind DeviceRuntime.dma (whose
 * generator only drives these steps) and behind callers that drive the steps themselves — a
 * process yielding what each step returns (map-bench), or callbacks scheduling it (the NIC's rx
 * writes, on an instant path). Every form does the same work at the same instants. What a step
 * cannot take in place (Environment.advance only works from a process running directly from the
 * loop) it returns: a hold in ns, or the link's grant to wait for. A piece whose translation
 * takes time (the path has no translateNow, or it declined) is the caller's to run:
 * next() returns null with `translating` set, and the caller continues with
 * `op.translated(yield* op.translation())`.
 */
import type { Environment, ProcessGenerator, Resource, Yieldable } from '../kernel';
import type { DmaPath } from '../dma/path';
import type { DeviceRuntime } from './device';
/** The DMA is over (ok says how); next() returns null. */
const OVER = 0;
const PIECE = 1;
const XFER = 2;
const MOVED = 3;
const TRANSLATING = 4;
const UNSTARTED = 5;

/** The device side of a path: an answer at once when it has one (DmaPath.translateNow, InstantDma.translateNow). */
interface TranslatesNow {
  readonly translateNow?: (pfn: number, off: number, bytes: number, write: boolean) => boolean | undefined;
}

/**
 * One DMA at a time, step by step:
 * `for (let y = op.begin(...); ; ) { if (y !== null) { yield y; y = op.next(); } else if (op.translating) y = op.translated(yield* op.translation()); else break; }`
 * then `op.ok`. One per caller: it holds one DMA's state and is reused for the next.
 */
export class DeviceDma {
  /** The outcome of the last DMA once it is over (next() returned null, translating false): false if a piece faulted. */
  ok = false;
  /** next() returned null because the current piece needs translation() run by the caller. */
  translating = false;
  private stage: number = UNSTARTED;
  private start = 0;
  private pfn = 0;
  private off = 0;
  private bytes = 0;
  private write = false;
  private done = 0;
  private len = 0;
  private readonly env: Environment;
  private readonly link: Resource;
  private readonly path: DmaPath;

  constructor(
    private readonly device: DeviceRuntime,
    /** Where the answer at once comes from: the path itself, or its InstantDma (which never declines). */
    private readonly now: TranslatesNow,
  ) {
    this.env = device.env;
    this.link = device.link;
    this.path = device.path;
  }

  /** Starts a DMA of `bytes` at `pfn` × 4 KiB + `off`: what to yield first, or null (see `translating`). */
  begin(pfn: number, off: number, bytes: number, write: boolean): Yieldable | null {
    this.pfn = pfn;
    this.off = off;
    this.bytes = bytes;
    this.write = write;
    this.done = 0;
    this.translating = false;
    this.start = this.env.now;
    const lat = this.device.latencyNs;
    this.stage = PIECE;
    if (!this.env.advance(lat)) return lat;
    return this.next();
  }

  /** The translation of the current piece, for the caller to run when `translating` (DmaPath.translate). */
  translation(): ProcessGenerator<boolean> {
    return this.path.translate(this.pfn, this.off + this.done, this.len, this.write);
  }

  /** Continues with the outcome of translation(): the next thing to yield, or null as next(). */
  translated(ok: boolean): Yieldable | null {
    if (this.stage !== TRANSLATING) throw new Error('DeviceDma.translated without a pending translation');
    this.translating = false;
    const y = this.pieceTranslated(ok);
    return y !== null || this.over() ? y : this.next();
  }

  /** Continues once what the last step returned has been yielded: the next thing to yield, or null when the DMA is over or a translation is the caller's to run. */
  next(): Yieldable | null {
    const env = this.env;
    const c = this.device;
    for (;;) {
      switch (this.stage) {
        case PIECE: {
          if (!(this.done < this.bytes)) {
            this.ok = true;
            this.stage = OVER;
            c.ended(this.start, true);
            return null;
          }
          this.len = Math.min(c.maxChunk, this.bytes - this.done);
          // An answer at once when the path has one, else the caller runs the generator.
          const ok = this.now.translateNow?.(this.pfn, this.off + this.done, this.len, this.write);
          if (ok === undefined) {
            this.stage = TRANSLATING;
            this.translating = true;
            return null;
          }
          const y = this.pieceTranslated(ok);
          if (y !== null || this.over()) return y;
          break;
        }
        case XFER: {
          // The link is held.
          const xfer = Math.ceil(this.len / c.bytesPerNs);
          this.stage = MOVED;
          if (!env.advance(xfer)) return xfer;
          break;
        }
        case MOVED:
          this.link.release();
          c.moved(this.len);
          this.done += c.maxChunk;
          this.stage = PIECE;
          break;
        case OVER:
          return null;
        default:
          throw new Error(this.stage === TRANSLATING ? 'DeviceDma.next while a translation is pending (call translated)' : 'DeviceDma.next before begin');
      }
    }
  }

  /** Read through a call: TypeScript keeps a narrowed `this.stage` across pieceTranslated(), which changes it. */
  private over(): boolean {
    return this.stage === OVER;
  }

  /**
   * The current piece has translated: a fault ends the DMA (OVER, ok false, null); else the
   * link is taken (XFER and null: go on) or its grant returned to wait for (then XFER).
   */
  private pieceTranslated(ok: boolean): Yieldable | null {
    if (!ok) {
      this.ok = false;
      this.stage = OVER;
      this.device.ended(this.start, false);
      return null;
    }
    this.stage = XFER;
    if (!this.link.tryAcquire()) return this.link.request();
    return null;
  }
}
