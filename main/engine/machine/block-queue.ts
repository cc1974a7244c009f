/**
 * A request-level block interface a device's DMA path may offer (a virtio-blk transport does):
 * the block workload hands it whole requests instead of mapping one buffer itself, so the
 * driver decides how many buffers a request is and how they are mapped and notified.
 */
import type { ProcessGenerator } from '../kernel';
import type { Vcpu } from './vcpu';
import type { Segment } from '../dma/path';

export interface BlockIo {
  readonly read: boolean;
  readonly bytes: number;
  /** The data: its physically separate runs of pages (one: contiguous), `bytes` in all. */
  readonly data: readonly Segment[];
  /** Device media time of this request. */
  readonly mediaNs: number;
  /** The submitting queue-depth slot (drivers keep per-slot request memory). */
  readonly slot: number;
}

export type BlockOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The device's side of a transfer: translate through the device's path, then move the bytes (DeviceRuntime.dma). */
export interface DeviceDma {
  dma(pfn: number, off: number, bytes: number, write: boolean): ProcessGenerator<boolean>;
}

export interface BlockQueue {
  /** Submits one request and waits for its completion; `device` moves the data. The caller holds no vCPU. */
  request(cpu: Vcpu, io: BlockIo, device: DeviceDma): ProcessGenerator<BlockOutcome>;
}
