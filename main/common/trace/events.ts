/**
 * The fields of the IOMMU and DMA-API tracepoints, read back from the text their TP_printk
 * formats print (Linux include/trace/events/iommu.h and include/trace/events/dma.h):
 *
 * iommu (every kernel since 3.13):
 *   map                        "IOMMU: iova=0x%016llx - 0x%016llx paddr=0x%016llx size=%zu"
 *   unmap                      "IOMMU: iova=0x%016llx - 0x%016llx size=%zu unmapped_size=%zu"
 *   add/remove_device_to/from_group  "IOMMU: groupID=%d device=%s"
 *   attach/detach_device_to/from_domain  "IOMMU: device=%s"
 *   io_page_fault              "IOMMU:%s %s iova=0x%016llx flags=0x%04x"  (driver, device)
 * dma (Linux 6.12 and later; `_page`/`_resource` became `_phys` in 6.17):
 *   dma_map_page|resource|phys       "%s dir=%s dma_addr=%llx size=%zu phys_addr=%llx attrs=%s"
 *   dma_unmap_page|resource|phys     "%s dir=%s dma_addr=%llx size=%zu attrs=%s"
 *   dma_alloc, dma_alloc_pages, dma_alloc_sgt_err  "%s dir=%s dma_addr=%llx size=%zu virt_addr=%p flags=%s attrs=%s"
 *   dma_alloc_sgt                    "%s dir=%s dma_addr=%llx size=%zu phys_addrs=%s flags=%s attrs=%s"
 *   dma_free, dma_free_pages         "%s dir=%s dma_addr=%llx size=%zu virt_addr=%p attrs=%s"
 *   dma_free_sgt                     "%s dir=%s dma_addr=%llx size=%zu phys_addrs=%s"
 *   dma_map_sg      "%s dir=%s [nents=%d/%d ents=%d/%d[ [TRUNCATED]] ]dma_addrs=%s sizes=%s phys_addrs=%s attrs=%s"
 *   dma_map_sg_err  "%s dir=%s dma_addrs=%s err=%d attrs=%s"   (the array holds the physical addresses)
 *   dma_unmap_sg    "%s dir=%s phys_addrs=%s attrs=%s"
 *   dma_sync_single_for_cpu|device   "%s dir=%s dma_addr=%llx size=%zu"
 *   dma_sync_sg_for_cpu|device       "%s dir=%s dma_addrs=%s sizes=%s"
 * `dir` is __print_symbolic (BIDIRECTIONAL, TO_DEVICE, FROM_DEVICE, NONE); attrs and flags are
 * __print_flags / show_gfp_flags ('|'-joined names, a hex rest, or empty); arrays are
 * __print_array (`{0x1000,0x2000}`).
 *
 * Addresses are exact numbers: one at or beyond 2^53 is refused as malformed, except the all-ones
 * DMA_MAPPING_ERROR a failed map prints, which reads as -1.
 * Does not parse: other systems' events (sched, irq…): unknown, so malformed unless skipped.
 */
import { TraceFormatError } from './errors';
import type { TraceLine } from './line';

export type TraceDirection = 'bidirectional' | 'to-device' | 'from-device' | 'none';

interface Common {
  /** 1-based line number in the trace text. */
  readonly lineNo: number;
  readonly cpu: number;
  readonly ts: number;
  readonly task: string;
  readonly pid: number;
}

export type TraceEvent = Common &
  (
    | { type: 'iommu_map'; iova: number; end: number; paddr: number; size: number }
    | { type: 'iommu_unmap'; iova: number; end: number; size: number; unmappedSize: number }
    | { type: 'iommu_group'; action: 'add' | 'remove'; group: number; device: string }
    | { type: 'iommu_domain'; action: 'attach' | 'detach'; device: string }
    | { type: 'iommu_fault'; driver: string; device: string; iova: number; flags: number }
    | { type: 'dma_map'; api: 'page' | 'resource' | 'phys'; device: string; dir: TraceDirection; dmaAddr: number; size: number; physAddr: number; attrs: string[] }
    | { type: 'dma_unmap'; api: 'page' | 'resource' | 'phys'; device: string; dir: TraceDirection; dmaAddr: number; size: number; attrs: string[] }
    | { type: 'dma_alloc'; api: 'coherent' | 'pages' | 'sgt_err'; device: string; dir: TraceDirection; dmaAddr: number; size: number; virtAddr: string; gfp: string[]; attrs: string[] }
    | { type: 'dma_alloc_sgt'; device: string; dir: TraceDirection; dmaAddr: number; size: number; physAddrs: number[]; gfp: string[]; attrs: string[] }
    | { type: 'dma_free'; api: 'coherent' | 'pages'; device: string; dir: TraceDirection; dmaAddr: number; size: number; virtAddr: string; attrs: string[] }
    | { type: 'dma_free_sgt'; device: string; dir: TraceDirection; dmaAddr: number; size: number; physAddrs: number[] }
    | {
        type: 'dma_map_sg';
        device: string;
        dir: TraceDirection;
        /** nents/ents as printed by 6.17+ (traced/full); null on kernels that print no counts. */
        counts: { nents: number; fullNents: number; ents: number; fullEnts: number; truncated: boolean } | null;
        dmaAddrs: number[];
        sizes: number[];
        physAddrs: number[];
        attrs: string[];
      }
    | { type: 'dma_map_sg_err'; device: string; dir: TraceDirection; physAddrs: number[]; err: number; attrs: string[] }
    | { type: 'dma_unmap_sg'; device: string; dir: TraceDirection; physAddrs: number[]; attrs: string[] }
    | { type: 'dma_sync'; target: 'cpu' | 'device'; device: string; dir: TraceDirection; dmaAddr: number; size: number }
    | { type: 'dma_sync_sg'; target: 'cpu' | 'device'; device: string; dir: TraceDirection; dmaAddrs: number[]; sizes: number[] }
  );

export type TraceEventType = TraceEvent['type'];

const DIRS: Record<string, TraceDirection> = { BIDIRECTIONAL: 'bidirectional', TO_DEVICE: 'to-device', FROM_DEVICE: 'from-device', NONE: 'none' };
const HEX = '[0-9a-fA-F]+';
const DEC = '\\d+';
const NAME = '\\S+';
const FLAGS = '[\\w|]*';
const ARRAY = '\\{[0-9a-fA-Fx,]*\\}';
const DIR = '(BIDIRECTIONAL|TO_DEVICE|FROM_DEVICE|NONE)';

const RE = {
  map: new RegExp(`^IOMMU: iova=0x(${HEX}) - 0x(${HEX}) paddr=0x(${HEX}) size=(${DEC})$`),
  unmap: new RegExp(`^IOMMU: iova=0x(${HEX}) - 0x(${HEX}) size=(${DEC}) unmapped_size=(${DEC})$`),
  group: new RegExp(`^IOMMU: groupID=(-?${DEC}) device=(${NAME})$`),
  domain: new RegExp(`^IOMMU: device=(${NAME})$`),
  fault: new RegExp(`^IOMMU:(${NAME}) (${NAME}) iova=0x(${HEX}) flags=0x(${HEX})$`),
  dmaMap: new RegExp(`^(${NAME}) dir=${DIR} dma_addr=(${HEX}) size=(${DEC}) phys_addr=(${HEX}) attrs=(${FLAGS})$`),
  dmaUnmap: new RegExp(`^(${NAME}) dir=${DIR} dma_addr=(${HEX}) size=(${DEC}) attrs=(${FLAGS})$`),
  dmaAlloc: new RegExp(`^(${NAME}) dir=${DIR} dma_addr=(${HEX}) size=(${DEC}) virt_addr=(${NAME}) flags=(${FLAGS}) attrs=(${FLAGS})$`),
  allocSgt: new RegExp(`^(${NAME}) dir=${DIR} dma_addr=(${HEX}) size=(${DEC}) phys_addrs=(${ARRAY}) flags=(${FLAGS}) attrs=(${FLAGS})$`),
  freeSgt: new RegExp(`^(${NAME}) dir=${DIR} dma_addr=(${HEX}) size=(${DEC}) phys_addrs=(${ARRAY})$`),
  dmaFree: new RegExp(`^(${NAME}) dir=${DIR} dma_addr=(${HEX}) size=(${DEC}) virt_addr=(${NAME}) attrs=(${FLAGS})$`),
  mapSg: new RegExp(`^(${NAME}) dir=${DIR} (?:nents=(${DEC})/(${DEC}) ents=(${DEC})/(${DEC})( \\[TRUNCATED\\])? )?dma_addrs=(${ARRAY}) sizes=(${ARRAY}) phys_addrs=(${ARRAY}) attrs=(${FLAGS})$`),
  mapSgErr: new RegExp(`^(${NAME}) dir=${DIR} dma_addrs=(${ARRAY}) err=(-?${DEC}) attrs=(${FLAGS})$`),
  unmapSg: new RegExp(`^(${NAME}) dir=${DIR} phys_addrs=(${ARRAY}) attrs=(${FLAGS})$`),
  sync: new RegExp(`^(${NAME}) dir=${DIR} dma_addr=(${HEX}) size=(${DEC})$`),
  syncSg: new RegExp(`^(${NAME}) dir=${DIR} dma_addrs=(${ARRAY}) sizes=(${ARRAY})$`),
} as const;

/** The events this parser knows, by the name the tracer prints. */
export const KNOWN_EVENTS = [
  'map',
  'unmap',
  'add_device_to_group',
  'remove_device_from_group',
  'attach_device_to_domain',
  'detach_device_from_domain',
  'io_page_fault',
  'dma_map_page',
  'dma_map_resource',
  'dma_map_phys',
  'dma_unmap_page',
  'dma_unmap_resource',
  'dma_unmap_phys',
  'dma_alloc',
  'dma_alloc_pages',
  'dma_alloc_sgt',
  'dma_alloc_sgt_err',
  'dma_free',
  'dma_free_pages',
  'dma_free_sgt',
  'dma_map_sg',
  'dma_map_sg_err',
  'dma_unmap_sg',
  'dma_sync_single_for_cpu',
  'dma_sync_single_for_device',
  'dma_sync_sg_for_cpu',
  'dma_sync_sg_for_device',
] as const;

const FORMAT: Record<(typeof KNOWN_EVENTS)[number], RegExp> = {
  map: RE.map,
  unmap: RE.unmap,
  add_device_to_group: RE.group,
  remove_device_from_group: RE.group,
  attach_device_to_domain: RE.domain,
  detach_device_from_domain: RE.domain,
  io_page_fault: RE.fault,
  dma_map_page: RE.dmaMap,
  dma_map_resource: RE.dmaMap,
  dma_map_phys: RE.dmaMap,
  dma_unmap_page: RE.dmaUnmap,
  dma_unmap_resource: RE.dmaUnmap,
  dma_unmap_phys: RE.dmaUnmap,
  dma_alloc: RE.dmaAlloc,
  dma_alloc_pages: RE.dmaAlloc,
  dma_alloc_sgt: RE.allocSgt,
  dma_alloc_sgt_err: RE.dmaAlloc,
  dma_free: RE.dmaFree,
  dma_free_pages: RE.dmaFree,
  dma_free_sgt: RE.freeSgt,
  dma_map_sg: RE.mapSg,
  dma_map_sg_err: RE.mapSgErr,
  dma_unmap_sg: RE.unmapSg,
  dma_sync_single_for_cpu: RE.sync,
  dma_sync_single_for_device: RE.sync,
  dma_sync_sg_for_cpu: RE.syncSg,
  dma_sync_sg_for_device: RE.syncSg,
};

const ALL_ONES = 'ffffffffffffffff';

/** The fields of one event line; throws TraceFormatError for an unknown event or text its format does not match. */
export function parseTraceEvent(l: TraceLine, lineNo: number): TraceEvent {
  const fmt = (FORMAT as Record<string, RegExp | undefined>)[l.event];
  if (fmt === undefined) throw new TraceFormatError(lineNo, `unknown event "${l.event}" (this parser reads the iommu and dma tracepoints: ${KNOWN_EVENTS.join(', ')})`);
  const m = fmt.exec(l.body);
  if (m === null) throw new TraceFormatError(lineNo, `"${l.event}" fields do not match its TP_printk format: ${l.body.length > 120 ? `${l.body.slice(0, 120)}…` : l.body}`);
  // Plain helper calls and object literals (no closures, no spread): this runs once per trace line.
  switch (l.event) {
    case 'map': {
      const e = { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'iommu_map' as const, iova: hx(m, lineNo, 1, 'iova'), end: hx(m, lineNo, 2, 'iova end'), paddr: hx(m, lineNo, 3, 'paddr'), size: dc(m, lineNo, 4, 'size') };
      if (e.end !== e.iova + e.size) throw new TraceFormatError(lineNo, `map: iova end 0x${m[2]} is not iova + size`);
      return e;
    }
    case 'unmap': {
      const e = { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'iommu_unmap' as const, iova: hx(m, lineNo, 1, 'iova'), end: hx(m, lineNo, 2, 'iova end'), size: dc(m, lineNo, 3, 'size'), unmappedSize: dc(m, lineNo, 4, 'unmapped_size') };
      if (e.end !== e.iova + e.size) throw new TraceFormatError(lineNo, `unmap: iova end 0x${m[2]} is not iova + size`);
      return e;
    }
    case 'add_device_to_group':
    case 'remove_device_from_group':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'iommu_group', action: l.event.startsWith('add') ? 'add' : 'remove', group: Number(m[1]!), device: m[2]! };
    case 'attach_device_to_domain':
    case 'detach_device_from_domain':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'iommu_domain', action: l.event.startsWith('attach') ? 'attach' : 'detach', device: m[1]! };
    case 'io_page_fault':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'iommu_fault', driver: m[1]!, device: m[2]!, iova: hx(m, lineNo, 3, 'iova'), flags: hx(m, lineNo, 4, 'flags') };
    case 'dma_map_page':
    case 'dma_map_resource':
    case 'dma_map_phys':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'dma_map', api: apiOf(l.event), device: m[1]!, dir: dr(m, 2), dmaAddr: hx(m, lineNo, 3, 'dma_addr', true), size: dc(m, lineNo, 4, 'size'), physAddr: hx(m, lineNo, 5, 'phys_addr'), attrs: fl(m, 6) };
    case 'dma_unmap_page':
    case 'dma_unmap_resource':
    case 'dma_unmap_phys':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'dma_unmap', api: apiOf(l.event), device: m[1]!, dir: dr(m, 2), dmaAddr: hx(m, lineNo, 3, 'dma_addr'), size: dc(m, lineNo, 4, 'size'), attrs: fl(m, 5) };
    case 'dma_alloc':
    case 'dma_alloc_pages':
    case 'dma_alloc_sgt_err':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'dma_alloc', api: l.event === 'dma_alloc' ? 'coherent' : l.event === 'dma_alloc_pages' ? 'pages' : 'sgt_err', device: m[1]!, dir: dr(m, 2), dmaAddr: hx(m, lineNo, 3, 'dma_addr', true), size: dc(m, lineNo, 4, 'size'), virtAddr: m[5]!, gfp: fl(m, 6), attrs: fl(m, 7) };
    case 'dma_alloc_sgt':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'dma_alloc_sgt', device: m[1]!, dir: dr(m, 2), dmaAddr: hx(m, lineNo, 3, 'dma_addr', true), size: dc(m, lineNo, 4, 'size'), physAddrs: ar(m, lineNo, 5, 'phys_addrs'), gfp: fl(m, 6), attrs: fl(m, 7) };
    case 'dma_free_sgt':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'dma_free_sgt', device: m[1]!, dir: dr(m, 2), dmaAddr: hx(m, lineNo, 3, 'dma_addr'), size: dc(m, lineNo, 4, 'size'), physAddrs: ar(m, lineNo, 5, 'phys_addrs') };
    case 'dma_free':
    case 'dma_free_pages':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'dma_free', api: l.event === 'dma_free' ? 'coherent' : 'pages', device: m[1]!, dir: dr(m, 2), dmaAddr: hx(m, lineNo, 3, 'dma_addr'), size: dc(m, lineNo, 4, 'size'), virtAddr: m[5]!, attrs: fl(m, 6) };
    case 'dma_map_sg': {
      const counts =
        m[3] === undefined ? null : { nents: dc(m, lineNo, 3, 'nents'), fullNents: dc(m, lineNo, 4, 'nents'), ents: dc(m, lineNo, 5, 'ents'), fullEnts: dc(m, lineNo, 6, 'ents'), truncated: m[7] !== undefined };
      const e = { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'dma_map_sg' as const, device: m[1]!, dir: dr(m, 2), counts, dmaAddrs: ar(m, lineNo, 8, 'dma_addrs'), sizes: ar(m, lineNo, 9, 'sizes'), physAddrs: ar(m, lineNo, 10, 'phys_addrs'), attrs: fl(m, 11) };
      if (e.dmaAddrs.length !== e.sizes.length) throw new TraceFormatError(lineNo, `dma_map_sg: ${e.dmaAddrs.length} dma_addrs but ${e.sizes.length} sizes`);
      return e;
    }
    case 'dma_map_sg_err':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'dma_map_sg_err', device: m[1]!, dir: dr(m, 2), physAddrs: ar(m, lineNo, 3, 'dma_addrs'), err: Number(m[4]!), attrs: fl(m, 5) };
    case 'dma_unmap_sg':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'dma_unmap_sg', device: m[1]!, dir: dr(m, 2), physAddrs: ar(m, lineNo, 3, 'phys_addrs'), attrs: fl(m, 4) };
    case 'dma_sync_single_for_cpu':
    case 'dma_sync_single_for_device':
      return { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'dma_sync', target: l.event.endsWith('cpu') ? 'cpu' : 'device', device: m[1]!, dir: dr(m, 2), dmaAddr: hx(m, lineNo, 3, 'dma_addr'), size: dc(m, lineNo, 4, 'size') };
    default: {
      const e = { lineNo, cpu: l.cpu, ts: l.ts, task: l.task, pid: l.pid, type: 'dma_sync_sg' as const, target: l.event.endsWith('cpu') ? ('cpu' as const) : ('device' as const), device: m[1]!, dir: dr(m, 2), dmaAddrs: ar(m, lineNo, 3, 'dma_addrs'), sizes: ar(m, lineNo, 4, 'sizes') };
      if (e.dmaAddrs.length !== e.sizes.length) throw new TraceFormatError(lineNo, `${l.event}: ${e.dmaAddrs.length} dma_addrs but ${e.sizes.length} sizes`);
      return e;
    }
  }
}

const hx = (m: RegExpExecArray, lineNo: number, i: number, what: string, failable = false): number => address(m[i]!, what, lineNo, failable);
const dc = (m: RegExpExecArray, lineNo: number, i: number, what: string): number => decimal(m[i]!, what, lineNo);
const dr = (m: RegExpExecArray, i: number): TraceDirection => DIRS[m[i]!]!;
const fl = (m: RegExpExecArray, i: number): string[] => (m[i]! === '' ? [] : m[i]!.split('|'));
const ar = (m: RegExpExecArray, lineNo: number, i: number, what: string): number[] => array(m[i]!, what, lineNo);

function apiOf(event: string): 'page' | 'resource' | 'phys' {
  return event.endsWith('_page') ? 'page' : event.endsWith('_resource') ? 'resource' : 'phys';
}

function address(digits: string, what: string, lineNo: number, failable: boolean): number {
  // Significant digits counted in place (the %016llx zero padding skipped by index, not by a
  // regex replace and a lower-cased copy per field). Up to 14 hex digits (below 2^56) parseInt
  // rounds to the nearest double, which is at most MAX_SAFE_INTEGER exactly when the value is
  // (13 digits, as before, refused the exact values from 2^52 to 2^53 as "beyond 2^53").
  let first = 0;
  while (first < digits.length - 1 && digits.charCodeAt(first) === 48) first++;
  if (digits.length - first <= 14) {
    const v = parseInt(digits, 16);
    if (v <= Number.MAX_SAFE_INTEGER) return v;
  }
  if (failable && digits.slice(first).toLowerCase() === ALL_ONES) return -1;
  throw new TraceFormatError(lineNo, `${what} 0x${digits} is at or beyond 2^53, which this replay cannot hold exactly`);
}

function decimal(digits: string, what: string, lineNo: number): number {
  const v = Number(digits);
  if (!Number.isSafeInteger(v)) throw new TraceFormatError(lineNo, `${what} ${digits} is beyond 2^53`);
  return v;
}

/** __print_array text: `{0x1,0x2}` (hex elements), `{}` empty. */
function array(text: string, what: string, lineNo: number): number[] {
  const inner = text.slice(1, -1);
  if (inner === '') return [];
  return inner.split(',').map((el) => {
    if (!/^0x[0-9a-fA-F]+$/.test(el)) throw new TraceFormatError(lineNo, `${what}: element "${el}" is not a 0x-prefixed hex number`);
    return address(el.slice(2), what, lineNo, false);
  });
}
