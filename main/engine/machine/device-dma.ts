/**
 * A device's DMA (DeviceRuntime.dma) as a state machine, for a path that translates in no time
 * (DmaPath.instant): the caller — a process yielding what each step returns, or callbacks
 * scheduling it — does the same work at the same instants as yield* dma(), without a generator
 * per DMA. What a step cannot take in place (Environment.advance only works from a process
 * running directly from the loop) it returns: a hold in ns, or the link's grant to wait for.
 */
import type { Environment, Resource, Yieldable } from '../kernel';
import type { InstantDma } from '../dma/path';
import type { DeviceRuntime } from './device';
const LATENCY = 0;
const PIECE = 1;
const XFER = 2;
const MOVED = 3;

/**
 * One DMA at a time, step by step: `for (let y = op.begin(...); y !== null; y = op.next()) yield y;`
 * then `op.ok`. One per caller: it holds one DMA's state and is reused for the next.
 */
export class DeviceDma {
  /** The outcome of the last DMA once next() has returned null: false if a piece faulted. */
  ok = false;
  private stage = LATENCY;
  private start = 0;
  private pfn = 0;
  private off = 0;
  private bytes = 0;
  private write = false;
  private done = 0;
  private len = 0;
  private readonly env: Environment;
  private readonly link: Resource;

  constructor(
    private readonly device: DeviceRuntime,
    private readonly path: InstantDma,
  ) {
    this.env = device.env;
    this.link = device.link;
  }

  /** Starts a DMA of `bytes` at `pfn` × 4 KiB + `off`: what to yield first, or null when it is over. */
  begin(pfn: number, off: number, bytes: number, write: boolean): Yieldable | null {
    this.pfn = pfn;
    this.off = off;
    this.bytes = bytes;
    this.write = write;
    this.done = 0;
    this.start = this.env.now;
    const lat = this.device.latencyNs;
    this.stage = PIECE;
    if (!this.env.advance(lat)) return lat;
    return this.next();
  }

  /** Continues once what the last step returned has been yielded: the next thing to yield, or null when the DMA is over. */
  next(): Yieldable | null {
    const env = this.env;
    const c = this.device;
    for (;;) {
      switch (this.stage) {
        case PIECE: {
          if (!(this.done < this.bytes)) {
            this.ok = true;
            this.device.ended(this.start, true);
            return null;
          }
          this.len = Math.min(c.maxChunk, this.bytes - this.done);
          if (!this.path.translateNow(this.pfn, this.off + this.done, this.len, this.write)) {
            this.ok = false;
            this.device.ended(this.start, false);
            return null;
          }
          this.stage = XFER;
          if (!this.link.tryAcquire()) return this.link.request();
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
          this.device.moved(this.len);
          this.done += c.maxChunk;
          this.stage = PIECE;
          break;
        default:
          throw new Error('DeviceDma.next before begin');
      }
    }
  }
}
