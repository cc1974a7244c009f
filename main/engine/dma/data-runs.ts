/**
 * Where the data of one block request lies in guest memory when it forms several physically
 * separate runs of pages (a scatter list of `segments` entries): the block workload lays a
 * request out with it and a driver (NVMe-like dma_map_sg, virtio-blk's descriptors) maps the
 * runs it gets.
 *
 * Models: `segments` runs of whole pages (the last takes the rest), never physically adjacent —
 * 2 MiB apart, or, when that would not fit in the room the VM has for one buffer, one page more
 * than a run apart (always fits: at most twice the request). Does not model: the page allocator
 * that fragments real page-cache memory. Pure.
 */
import type { Segment } from './path';

const PAGE = 4096;
/** Spacing of run starts when it fits: runs of one request never share a 2 MiB page. */
export const WIDE_RUN_STRIDE = 2 * 2 ** 20;

/** Runs of whole pages the request's bytes form: at most one per page. */
function shape(bytes: number, segments: number): { pages: number; n: number; per: number } {
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  const n = Math.max(1, Math.min(segments, pages));
  return { pages, n, per: Math.floor(pages / n) };
}

/** Distance between run starts for a request of `bytes` in `segments` runs, its span fitting in `room` bytes. */
export function runStride(bytes: number, segments: number, room: number): number {
  const { pages, n, per } = shape(bytes, segments);
  if (n === 1) return 0;
  const tight = (per + 1) * PAGE;
  const wide = Math.max(WIDE_RUN_STRIDE, tight);
  const last = (pages - per * (n - 1)) * PAGE;
  return (n - 1) * wide + last <= room ? wide : tight;
}

/** Bytes from the first run's start to the last run's end. */
export function runSpan(bytes: number, segments: number, stride: number): number {
  const { pages, n, per } = shape(bytes, segments);
  return (n - 1) * stride + (pages - per * (n - 1)) * PAGE;
}

/** The runs themselves, from `gpa`, `stride` apart (the last one takes the rest). */
export function dataRuns(gpa: number, bytes: number, segments: number, stride: number): Segment[] {
  const { pages, n, per } = shape(bytes, segments);
  const out: Segment[] = [];
  let left = bytes;
  for (let i = 0; i < n; i++) {
    const len = Math.min(left, (i === n - 1 ? pages - per * (n - 1) : per) * PAGE);
    out.push({ gpa: gpa + i * stride, bytes: len });
    left -= len;
  }
  return out;
}
