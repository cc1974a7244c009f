/**
 * The buffers of one virtio-blk request (virtio spec §5.2.6), as the Linux driver builds them.
 *
 * Models: a 16-byte header (type, reserved, sector) the device reads; the data scatter list —
 * one entry per physically contiguous run of pages, bounded by the device's seg_max and
 * size_max (the block layer splits a run longer than size_max and refuses a request that needs
 * more than seg_max entries) — read by the device on a write, written on a read; a 1-byte status
 * the device writes. Each buffer is its own DMA-API mapping (vring_map_one_sg per entry).
 * The runs the request's pages form come from the workload (dma/data-runs.ts; page-cache pages
 * are often not contiguous). Does not model: discard / write-zeroes requests,
 * integrity metadata. Pure: no time.
 */

export const BLK_HEADER_BYTES = 16;
export const BLK_STATUS_BYTES = 1;

export interface BlkLimits {
  /** VIRTIO_BLK_F_SEG_MAX: most data segments per request. */
  readonly segMax: number;
  /** VIRTIO_BLK_F_SIZE_MAX: largest data segment in bytes. */
  readonly sizeMax: number;
}

export interface Segment {
  readonly gpa: number;
  readonly bytes: number;
}

export interface BlkBuffer extends Segment {
  readonly role: 'header' | 'data' | 'status';
  /** The device writes this buffer. */
  readonly deviceWrites: boolean;
}

/** Applies size_max (split long runs) and seg_max; throws when the request needs more segments than the device takes. */
export function limitSegments(segs: readonly Segment[], limits: BlkLimits): Segment[] {
  const out: Segment[] = [];
  for (const s of segs) {
    for (let off = 0; off < s.bytes; off += limits.sizeMax) out.push({ gpa: s.gpa + off, bytes: Math.min(limits.sizeMax, s.bytes - off) });
  }
  if (out.length > limits.segMax) throw new RangeError(`a request of ${out.length} data segments exceeds the device's seg_max of ${limits.segMax}`);
  return out;
}

/** The request's buffers in ring order: header, data…, status. */
export function blkRequestBuffers(headerGpa: number, data: readonly Segment[], read: boolean): BlkBuffer[] {
  return [
    { role: 'header', gpa: headerGpa, bytes: BLK_HEADER_BYTES, deviceWrites: false },
    ...data.map((s): BlkBuffer => ({ role: 'data', gpa: s.gpa, bytes: s.bytes, deviceWrites: read })),
    { role: 'status', gpa: headerGpa + BLK_HEADER_BYTES, bytes: BLK_STATUS_BYTES, deviceWrites: true },
  ];
}
