/**
 * The device's write of one received packet into its posted buffers, driven by callbacks: each
 * buffer a DMA through DeviceDma's steps, holds scheduled with env.schedule and the link's
 * grant waited on as an event's waiter — the queue entries a process yielding the same steps
 * would take, at the same (time, priority) and in the same order, without a process, a generator
 * or a wake-up per packet. Used on an instant path (DmaPath.instant) only; the NIC's wire is then
 * a callback too (nic.ts says why the order is unchanged).
 *
 * Models: what rx engines model (nic.ts): buffers written in order, a fault ends the packet.
 * Does not model: anything of its own.
 */
import type { Environment, SimEvent, Yieldable } from '../kernel';
import type { Waiter } from '../kernel/event';
import type { DeviceDma } from '../machine/device-dma';
import type { Mapping } from '../dma/path';

/** A received packet; NAPI hands it back to the queue's pool when done (nic.ts), so its fields are rewritten. */
export interface RxPacket {
  descs: Mapping[];
  arrival: number;
  size: number;
  /** Whether every buffer was written; set when the write ends. */
  ok: boolean;
}

/** One packet's write at a time; reused from a pool once it has handed its packet on. */
export class RxWrite implements Waiter {
  private p: RxPacket | null = null;
  private i = 0;
  /** Continues the DMA once a hold has passed. */
  private readonly resume = (): void => this.step(this.op.next());

  constructor(
    private readonly env: Environment,
    private readonly op: DeviceDma,
    private readonly bufferSize: number,
    /** Called with the finished packet (ok set) and this writer, free for the next packet. */
    private readonly finished: (p: RxPacket, w: RxWrite) => void,
  ) {}

  start(p: RxPacket): void {
    this.p = p;
    this.i = 0;
    this.buffer();
  }

  /** The link was granted (a waiter of its request). */
  wake(_ev: SimEvent<unknown>): void {
    this.step(this.op.next());
  }

  /** Starts the DMA of buffer i, or ends the packet. */
  private buffer(): void {
    for (;;) {
      const p = this.p!;
      if (this.i >= p.descs.length) return this.end(true);
      const d = p.descs[this.i]!;
      const len = Math.min(this.bufferSize, p.size - this.i * this.bufferSize);
      const y = this.op.begin(d.iovaPfn, d.iovaOff, len, true);
      if (y !== null) return this.wait(y);
      if (!this.op.ok) return this.end(false);
      this.i++;
    }
  }

  private step(y: Yieldable | null): void {
    if (y !== null) return this.wait(y);
    if (!this.op.ok) return this.end(false);
    this.i++;
    this.buffer();
  }

  private wait(y: Yieldable): void {
    if (typeof y === 'number') this.env.schedule(y, this.resume);
    else y.addWaiter(this);
  }

  private end(ok: boolean): void {
    const p = this.p!;
    this.p = null;
    p.ok = ok;
    this.finished(p, this);
  }
}
