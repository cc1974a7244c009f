/**
 * virtio-blk: the Linux driver's request path (virtio_queue_rq) and the device's handling of a
 * chain, over a VirtioTransport.
 *
 * Models (driver): per request, the header, each data segment and the status byte mapped
 * separately through the transport (three DMA-API maps for a contiguous request), the indirect
 * table mapped as well when the chain goes indirect; a request that does not fit the ring waits
 * for a completion (blk-mq requeue); the interrupt handler unmaps everything
 * (transport.ts). Each queue-depth slot owns its header/status/table page, as the blk-mq
 * request's driver data does.
 * Models (device): read the header, then for a read wait the media time and write the data, for
 * a write read the data then wait, and write the status byte — each a DMA through the transport.
 * Does not model: flush/discard requests, multiple virtqueues per device (one queue here), zoned devices.
 */
import type { ProcessGenerator, SimEvent } from '../../kernel';
import type { Direction, Mapping, Segment } from '../../dma/path';
import type { Vcpu } from '../../machine/vcpu';
import type { BlockIo, BlockOutcome, BlockQueue, DeviceDma } from '../../machine/block-queue';
import { blkRequestBuffers, limitSegments, type BlkLimits } from './blk-layout';
import type { VirtioTransport } from './transport';
import type { Chain } from './virtqueue';

export interface BlkIo {
  readonly read: boolean;
  readonly bytes: number;
  /** The data: its physically separate runs of pages (one: contiguous). */
  readonly data: readonly Segment[];
  /** Device media time of this request. */
  readonly mediaNs: number;
  /** The slot's page for header, status and indirect table. */
  readonly slotGpa: number;
  /** Moves the data (the DeviceRuntime). */
  readonly device: DeviceDma;
}

export type BlkOutcome = { ok: true } | { ok: false; reason: string };

const HEADER_OFFSET = 0;
const TABLE_OFFSET = 64;

export class VirtioBlk implements BlockQueue {
  private readonly slots: number[] = [];

  constructor(
    private readonly t: VirtioTransport,
    readonly limits: BlkLimits,
    /** Allocates one page of guest memory (per-slot request memory). */
    private readonly allocPage: () => number,
  ) {
    t.serve(0, (chain) => this.handle(chain));
  }

  /** BlockQueue: a workload's request, with per-slot header/status/table memory. */
  *request(cpu: Vcpu, io: BlockIo, device: DeviceDma): ProcessGenerator<BlockOutcome> {
    const slotGpa = (this.slots[io.slot] ??= this.allocPage());
    return yield* this.submit(cpu, { read: io.read, bytes: io.bytes, data: io.data, mediaNs: io.mediaNs, slotGpa, device });
  }

  /** Driver side: submit one request and wait for its completion. The caller holds no vCPU. */
  *submit(cpu: Vcpu, io: BlkIo): ProcessGenerator<BlkOutcome> {
    const data = limitSegments(io.data, this.limits);
    const bufs = blkRequestBuffers(io.slotGpa + HEADER_OFFSET, data, io.read);
    const t = this.t;
    const refusal = t.refusal;
    if (refusal !== null) return { ok: false, reason: refusal };
    for (;;) {
      const r = yield* cpu.run(
        (function* (): ProcessGenerator<'map' | 'full' | SimEvent<boolean> | null> {
          if (!t.fits(0, bufs.length)) return 'full';
          const mapped: { m: Mapping; write: boolean }[] = [];
          for (const b of bufs) {
            const dir: Direction = b.deviceWrites ? 'from-device' : 'to-device';
            const m = yield* t.map(cpu, b.gpa, b.bytes, dir);
            if (m === null) {
              for (const d of mapped) yield* t.unmap(cpu, d.m);
              return 'map';
            }
            mapped.push({ m, write: b.deviceWrites });
          }
          const table = yield* t.mapIndirect(cpu, 0, bufs.length, io.slotGpa + TABLE_OFFSET);
          if (table === null) {
            for (const d of mapped) yield* t.unmap(cpu, d.m);
            return 'map';
          }
          return yield* t.add(cpu, 0, mapped, table ?? null, io);
        })(),
      );
      if (r === 'map') return { ok: false, reason: 'a DMA-API map failed (no IOVA space or bounce slot)' };
      if (r === 'full' || r === null) {
        yield t.space(0);
        continue;
      }
      const ok = (yield r) as boolean;
      return ok ? { ok: true } : { ok: false, reason: 'the device could not reach a buffer (translation fault or memory the host cannot read)' };
    }
  }

  /** Device side: one chain, [header, data…, status]. */
  private *handle(chain: Chain): ProcessGenerator<boolean> {
    const io = chain.token as BlkIo;
    const b = chain.buffers;
    const header = b[0]!;
    const status = b[b.length - 1]!;
    if (!(yield* io.device.dma(header.pfn, header.off, header.bytes, false))) return false;
    if (io.read) yield io.mediaNs;
    for (let i = 1; i < b.length - 1; i++) {
      if (!(yield* io.device.dma(b[i]!.pfn, b[i]!.off, b[i]!.bytes, io.read))) return false;
    }
    if (!io.read) yield io.mediaNs;
    return yield* io.device.dma(status.pfn, status.off, status.bytes, true);
  }
}
