/**
 * virtio-iommu requests (virtio spec §5.13.6, Linux include/uapi/linux/virtio_iommu.h) as bytes:
 * what the guest driver writes into the request virtqueue and the device answers in the tail.
 *
 * Models: the request head (type), ATTACH / DETACH (domain, endpoint, flags), MAP (domain,
 * virt_start, virt_end inclusive, phys_start, READ/WRITE/MMIO flags), UNMAP (domain, range),
 * PROBE (endpoint, a device-writable property buffer), the 4-byte tail with the status; 64-bit
 * fields little-endian and exact (BigInt). Sizes follow the uapi structs (MAP 40 B, UNMAP 32 B,
 * ATTACH/DETACH 24 B, PROBE 72 B + probe_size).
 * Does not model: the PROBE property contents, ATTACH_TABLE (page-table sharing proposals). Pure.
 */

export const REQ_TYPE = { attach: 1, detach: 2, map: 3, unmap: 4, probe: 5 } as const;
export type ReqKind = keyof typeof REQ_TYPE;

export const STATUS = { ok: 0, ioerr: 1, unsupp: 2, deverr: 3, inval: 4, range: 5, noent: 6, fault: 7, nomem: 8 } as const;
export type Status = keyof typeof STATUS;

export const MAP_READ = 1;
export const MAP_WRITE = 2;
export const MAP_MMIO = 4;

const TAIL = 4;

export type Request =
  | { kind: 'attach' | 'detach'; domain: number; endpoint: number; flags: number }
  | { kind: 'map'; domain: number; virtStart: number; virtEnd: number; physStart: number; flags: number }
  | { kind: 'unmap'; domain: number; virtStart: number; virtEnd: number }
  | { kind: 'probe'; endpoint: number; probeSize: number };

/** Bytes the driver writes (device-readable part) and the device writes (tail, and PROBE's properties). */
export function requestBytes(r: Request): { out: number; in: number } {
  switch (r.kind) {
    case 'attach':
    case 'detach':
      return { out: 20, in: TAIL };
    case 'map':
      return { out: 36, in: TAIL };
    case 'unmap':
      return { out: 28, in: TAIL };
    case 'probe':
      return { out: 72, in: r.probeSize + TAIL };
  }
}

/** The request as it sits in guest memory (device-readable part followed by the zeroed writable part). */
export function encode(r: Request): Uint8Array {
  const { out, in: inBytes } = requestBytes(r);
  const buf = new Uint8Array(out + inBytes);
  const v = new DataView(buf.buffer);
  v.setUint8(0, REQ_TYPE[r.kind]);
  switch (r.kind) {
    case 'attach':
    case 'detach':
      v.setUint32(4, r.domain, true);
      v.setUint32(8, r.endpoint, true);
      v.setUint32(12, r.flags, true);
      break;
    case 'map':
      v.setUint32(4, r.domain, true);
      v.setBigUint64(8, big(r.virtStart), true);
      v.setBigUint64(16, big(r.virtEnd), true);
      v.setBigUint64(24, big(r.physStart), true);
      v.setUint32(32, r.flags, true);
      break;
    case 'unmap':
      v.setUint32(4, r.domain, true);
      v.setBigUint64(8, big(r.virtStart), true);
      v.setBigUint64(16, big(r.virtEnd), true);
      break;
    case 'probe':
      v.setUint32(4, r.endpoint, true);
      break;
  }
  return buf;
}

/** The device's view: parses a request from its bytes (probeSize from the device's config). */
export function decode(buf: Uint8Array, probeSize = 512): Request {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const type = v.getUint8(0);
  const num = (off: number) => {
    const b = v.getBigUint64(off, true);
    if (b > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`virtio-iommu: 64-bit field ${b} beyond the exact range of this model`);
    return Number(b);
  };
  switch (type) {
    case REQ_TYPE.attach:
    case REQ_TYPE.detach:
      return { kind: type === REQ_TYPE.attach ? 'attach' : 'detach', domain: v.getUint32(4, true), endpoint: v.getUint32(8, true), flags: v.getUint32(12, true) };
    case REQ_TYPE.map:
      return { kind: 'map', domain: v.getUint32(4, true), virtStart: num(8), virtEnd: num(16), physStart: num(24), flags: v.getUint32(32, true) };
    case REQ_TYPE.unmap:
      return { kind: 'unmap', domain: v.getUint32(4, true), virtStart: num(8), virtEnd: num(16) };
    case REQ_TYPE.probe:
      return { kind: 'probe', endpoint: v.getUint32(4, true), probeSize };
    default:
      throw new RangeError(`virtio-iommu: unknown request type ${type}`);
  }
}

/** The device writes the status into the tail (first byte of the last 4). */
export function writeStatus(buf: Uint8Array, s: Status): void {
  buf[buf.length - TAIL] = STATUS[s];
}

export function readStatus(buf: Uint8Array): Status {
  const code = buf[buf.length - TAIL]!;
  const name = (Object.keys(STATUS) as Status[]).find((k) => STATUS[k] === code);
  if (name === undefined) throw new RangeError(`virtio-iommu: unknown status ${code}`);
  return name;
}

function big(x: number): bigint {
  if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`virtio-iommu: ${x} is not an exact unsigned address`);
  return BigInt(x);
}
