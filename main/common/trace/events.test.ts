// The event parsers read exactly what the kernel's TP_printk formats print: each sample line is
// produced by formatting the kernel's own format string (as the captured Debian 6.12 kernel
// lists it in resources/traces/debian-6.12-nvme-vtd.formats, or upstream's for events that
// kernel lacks) with known values, parsed back, and every field compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWN_EVENTS, parseTraceEvent, type TraceEvent } from './events';
import { TraceFormatError } from './errors';
import { parseTraceLine } from './line';

const FORMATS = join(import.meta.dirname, '..', '..', '..', 'resources', 'traces', 'debian-6.12-nvme-vtd.formats');

/** The first string literal of each event's `print fmt:` in a tracefs format dump. */
function kernelFormats(): Map<string, string> {
  const out = new Map<string, string>();
  let event = '';
  for (const line of readFileSync(FORMATS, 'utf8').split('\n')) {
    const name = /^== .*\/events\/\w+\/(\w+)\/format$/.exec(line);
    if (name) event = name[1]!;
    const fmt = /^print fmt: "((?:[^"\\]|\\.)*)"/.exec(line);
    if (fmt) out.set(event, fmt[1]!);
  }
  return out;
}

/** Upstream format strings of the events Debian's 6.12 kernel does not have (Linux 6.17+: include/trace/events/dma.h). */
const UPSTREAM: Record<string, string> = {
  dma_map_phys: '%s dir=%s dma_addr=%llx size=%zu phys_addr=%llx attrs=%s',
  dma_unmap_phys: '%s dir=%s dma_addr=%llx size=%zu attrs=%s',
  detach_device_from_domain: 'IOMMU: device=%s',
};

/** printf for the conversions these formats use. */
function sprintf(fmt: string, args: (string | number | bigint)[]): string {
  let i = 0;
  return fmt.replace(/%(0?\d*)(llx|zu|d|x|s|p)/g, (_, width: string, conv: string) => {
    const v = args[i++];
    if (v === undefined) throw new Error(`too few arguments for ${fmt}`);
    let s = conv === 'llx' || conv === 'x' ? BigInt(v).toString(16) : String(v);
    if (width) s = s.padStart(Number(width), width.startsWith('0') ? '0' : ' ');
    return s;
  });
}

const DEV = '0000:00:02.0';
const base = { cpu: 1, ts: 12_760_994_000, task: 'kworker/u8:1-nvme', pid: 148 };
const header = (event: string): string => `       kworker/u8:1-nvme-148     [001] d.h1.    12.760994: ${event}: `;

/** Per event: the printf arguments and the fields they must parse to. */
const CASES: Record<string, { args: (string | number | bigint)[]; want: Record<string, unknown> }> = {
  map: { args: [0xfffb9000, 0xfffba000, 0x1f07e000, 4096], want: { type: 'iommu_map', iova: 0xfffb9000, end: 0xfffba000, paddr: 0x1f07e000, size: 4096 } },
  unmap: { args: [0xfff9c000, 0xfffa0000, 16384, 16384], want: { type: 'iommu_unmap', iova: 0xfff9c000, end: 0xfffa0000, size: 16384, unmappedSize: 16384 } },
  add_device_to_group: { args: [7, DEV], want: { type: 'iommu_group', action: 'add', group: 7, device: DEV } },
  remove_device_from_group: { args: [7, DEV], want: { type: 'iommu_group', action: 'remove', group: 7, device: DEV } },
  attach_device_to_domain: { args: [DEV], want: { type: 'iommu_domain', action: 'attach', device: DEV } },
  detach_device_from_domain: { args: [DEV], want: { type: 'iommu_domain', action: 'detach', device: DEV } },
  io_page_fault: { args: ['nvme', DEV, 0xdead000, 0x2], want: { type: 'iommu_fault', driver: 'nvme', device: DEV, iova: 0xdead000, flags: 2 } },
  dma_map_page: {
    args: [DEV, 'FROM_DEVICE', 0xfffb9000, 4096, 0x1f07e000, 'WEAK_ORDERING|SKIP_CPU_SYNC'],
    want: { type: 'dma_map', api: 'page', device: DEV, dir: 'from-device', dmaAddr: 0xfffb9000, size: 4096, physAddr: 0x1f07e000, attrs: ['WEAK_ORDERING', 'SKIP_CPU_SYNC'] },
  },
  dma_map_resource: {
    args: [DEV, 'TO_DEVICE', 0xfe000000, 256, 0xfe000000, ''],
    want: { type: 'dma_map', api: 'resource', device: DEV, dir: 'to-device', dmaAddr: 0xfe000000, size: 256, physAddr: 0xfe000000, attrs: [] },
  },
  dma_map_phys: {
    args: [DEV, 'BIDIRECTIONAL', 0xffffffffffffffffn, 512, 0x2000, 'NO_WARN'],
    want: { type: 'dma_map', api: 'phys', device: DEV, dir: 'bidirectional', dmaAddr: -1, size: 512, physAddr: 0x2000, attrs: ['NO_WARN'] },
  },
  dma_unmap_page: { args: [DEV, 'FROM_DEVICE', 0xfffb9000, 4096, ''], want: { type: 'dma_unmap', api: 'page', device: DEV, dir: 'from-device', dmaAddr: 0xfffb9000, size: 4096, attrs: [] } },
  dma_unmap_resource: { args: [DEV, 'NONE', 0xfe000000, 256, 'PRIVILEGED'], want: { type: 'dma_unmap', api: 'resource', device: DEV, dir: 'none', dmaAddr: 0xfe000000, size: 256, attrs: ['PRIVILEGED'] } },
  dma_unmap_phys: { args: [DEV, 'TO_DEVICE', 0x3000, 512, ''], want: { type: 'dma_unmap', api: 'phys', device: DEV, dir: 'to-device', dmaAddr: 0x3000, size: 512, attrs: [] } },
  dma_alloc: {
    args: [DEV, 'BIDIRECTIONAL', 0xfffba000, 4096, '000000000162bb03', 'GFP_ATOMIC', ''],
    want: { type: 'dma_alloc', api: 'coherent', device: DEV, dir: 'bidirectional', dmaAddr: 0xfffba000, size: 4096, virtAddr: '000000000162bb03', gfp: ['GFP_ATOMIC'], attrs: [] },
  },
  dma_alloc_pages: {
    args: [DEV, 'FROM_DEVICE', 0xfff00000, 8192, '00000000aabbccdd', 'GFP_KERNEL|__GFP_ZERO', 'NO_KERNEL_MAPPING'],
    want: { type: 'dma_alloc', api: 'pages', device: DEV, dir: 'from-device', dmaAddr: 0xfff00000, size: 8192, virtAddr: '00000000aabbccdd', gfp: ['GFP_KERNEL', '__GFP_ZERO'], attrs: ['NO_KERNEL_MAPPING'] },
  },
  dma_alloc_sgt_err: {
    args: [DEV, 'TO_DEVICE', 0, 65536, '0000000000000000', 'none', ''],
    want: { type: 'dma_alloc', api: 'sgt_err', device: DEV, dir: 'to-device', dmaAddr: 0, size: 65536, virtAddr: '0000000000000000', gfp: ['none'], attrs: [] },
  },
  dma_alloc_sgt: {
    args: [DEV, 'FROM_DEVICE', 0xffe00000, 8192, '{0x1000,0x5000}', 'GFP_KERNEL', ''],
    want: { type: 'dma_alloc_sgt', device: DEV, dir: 'from-device', dmaAddr: 0xffe00000, size: 8192, physAddrs: [0x1000, 0x5000], gfp: ['GFP_KERNEL'], attrs: [] },
  },
  dma_free: {
    args: [DEV, 'BIDIRECTIONAL', 0xfffba000, 4096, '000000000162bb03', ''],
    want: { type: 'dma_free', api: 'coherent', device: DEV, dir: 'bidirectional', dmaAddr: 0xfffba000, size: 4096, virtAddr: '000000000162bb03', attrs: [] },
  },
  dma_free_pages: {
    args: [DEV, 'FROM_DEVICE', 0xfff00000, 8192, '00000000aabbccdd', 'NO_WARN'],
    want: { type: 'dma_free', api: 'pages', device: DEV, dir: 'from-device', dmaAddr: 0xfff00000, size: 8192, virtAddr: '00000000aabbccdd', attrs: ['NO_WARN'] },
  },
  dma_free_sgt: { args: [DEV, 'FROM_DEVICE', 0xffe00000, 8192, '{0x1000,0x5000}'], want: { type: 'dma_free_sgt', device: DEV, dir: 'from-device', dmaAddr: 0xffe00000, size: 8192, physAddrs: [0x1000, 0x5000] } },
  dma_map_sg: {
    args: [DEV, 'TO_DEVICE', 2, 2, 1, 1, '', '{0xfff9c000}', '{0x4000}', '{0x1f198000,0x1f1ab000}', 'NO_WARN'],
    want: {
      type: 'dma_map_sg',
      device: DEV,
      dir: 'to-device',
      counts: { nents: 2, fullNents: 2, ents: 1, fullEnts: 1, truncated: false },
      dmaAddrs: [0xfff9c000],
      sizes: [0x4000],
      physAddrs: [0x1f198000, 0x1f1ab000],
      attrs: ['NO_WARN'],
    },
  },
  dma_map_sg_err: { args: [DEV, 'FROM_DEVICE', '{0x1000}', -12, ''], want: { type: 'dma_map_sg_err', device: DEV, dir: 'from-device', physAddrs: [0x1000], err: -12, attrs: [] } },
  dma_unmap_sg: { args: [DEV, 'TO_DEVICE', '{0x1f198000,0x1f1ab000}', ''], want: { type: 'dma_unmap_sg', device: DEV, dir: 'to-device', physAddrs: [0x1f198000, 0x1f1ab000], attrs: [] } },
  dma_sync_single_for_cpu: { args: [DEV, 'FROM_DEVICE', 0xfffb9000, 1500], want: { type: 'dma_sync', target: 'cpu', device: DEV, dir: 'from-device', dmaAddr: 0xfffb9000, size: 1500 } },
  dma_sync_single_for_device: { args: [DEV, 'TO_DEVICE', 0xfffb9000, 64], want: { type: 'dma_sync', target: 'device', device: DEV, dir: 'to-device', dmaAddr: 0xfffb9000, size: 64 } },
  dma_sync_sg_for_cpu: { args: [DEV, 'FROM_DEVICE', '{0x1000,0x3000}', '{0x200,0x1000}'], want: { type: 'dma_sync_sg', target: 'cpu', device: DEV, dir: 'from-device', dmaAddrs: [0x1000, 0x3000], sizes: [0x200, 0x1000] } },
  dma_sync_sg_for_device: { args: [DEV, 'BIDIRECTIONAL', '{0x1000}', '{0x200}'], want: { type: 'dma_sync_sg', target: 'device', device: DEV, dir: 'bidirectional', dmaAddrs: [0x1000], sizes: [0x200] } },
};

function parse(text: string, lineNo = 1): TraceEvent {
  const l = parseTraceLine(text, lineNo);
  assert.equal(l.kind, 'event');
  return parseTraceEvent((l as { line: Parameters<typeof parseTraceEvent>[0] }).line, lineNo);
}

test('every event the parser knows has a case here, and every one of the captured kernel is known', () => {
  assert.deepEqual(Object.keys(CASES).sort(), [...KNOWN_EVENTS].sort());
  const missing = [...kernelFormats().keys()].filter((e) => !(KNOWN_EVENTS as readonly string[]).includes(e));
  assert.deepEqual(missing, [], 'events of the Debian 6.12 kernel the parser does not read');
});

test("each event's fields are read back from its TP_printk text exactly", () => {
  const kernel = kernelFormats();
  for (const [event, c] of Object.entries(CASES)) {
    const fmt = kernel.get(event) ?? UPSTREAM[event];
    assert.ok(fmt !== undefined, `no format string for ${event}`);
    const line = header(event) + sprintf(fmt, c.args);
    assert.deepEqual(parse(line, 42), { lineNo: 42, ...base, ...c.want }, `${event}: ${line}`);
  }
});

test('dma_map_sg as kernels before 6.17 print it (no counts) and with [TRUNCATED]', () => {
  const old = parse(`${header('dma_map_sg')}${DEV} dir=FROM_DEVICE dma_addrs={0x1000,0x8000} sizes={0x1000,0x2000} phys_addrs={0x5000,0x9000} attrs=`);
  assert.equal(old.type, 'dma_map_sg');
  assert.deepEqual(old.type === 'dma_map_sg' && [old.counts, old.dmaAddrs, old.sizes, old.physAddrs], [null, [0x1000, 0x8000], [0x1000, 0x2000], [0x5000, 0x9000]]);
  const cut = parse(`${header('dma_map_sg')}${DEV} dir=TO_DEVICE nents=128/300 ents=128/200 [TRUNCATED] dma_addrs={0x1000} sizes={0x1000} phys_addrs={0x5000} attrs=`);
  assert.deepEqual(cut.type === 'dma_map_sg' && cut.counts, { nents: 128, fullNents: 300, ents: 128, fullEnts: 200, truncated: true });
});

test('the header: task names with dashes and spaces, tgid and flags columns optional, µs or ns timestamps, a system prefix', () => {
  const a = parseTraceLine('          <idle>-0       [000] d.h1.    12.780814: unmap: IOMMU: iova=0x1 - 0x2 size=1 unmapped_size=1', 3);
  assert.deepEqual(a, { kind: 'event', line: { task: '<idle>', pid: 0, cpu: 0, flags: 'd.h1.', ts: 12_780_814_000, event: 'unmap', body: 'IOMMU: iova=0x1 - 0x2 size=1 unmapped_size=1' } });
  // trace-cmd report: no flags column, the event name padded, nanoseconds.
  const b = parseTraceLine('     my task-1234  [003]  5.000000123: iommu:map:            IOMMU: body', 4);
  assert.deepEqual(b, { kind: 'event', line: { task: 'my task', pid: 1234, cpu: 3, flags: '', ts: 5_000_000_123, event: 'map', body: 'IOMMU: body' } });
  // options/record-tgid: a (tgid) column before the CPU.
  const c = parseTraceLine('  kworker/0:1H-kblockd-45  (   45) [001] ....  1.5: dma_free: x\r', 5);
  assert.equal(c.kind === 'event' && `${c.line.task}|${c.line.pid}|${c.line.cpu}|${c.line.flags}|${c.line.ts}|${c.line.event}|${c.line.body}`, 'kworker/0:1H-kblockd|45|1|....|1500000000|dma_free|x');
});

test('comment and bookkeeping lines carry no event; a LOST line counts the missing events', () => {
  for (const l of ['# tracer: nop', '', '   ', 'cpus=2', 'CPU 1 is empty', '##### CPU 2 buffer started ####']) assert.deepEqual(parseTraceLine(l, 1), { kind: 'none' }, l);
  assert.deepEqual(parseTraceLine('CPU:1 [LOST 4096 EVENTS]', 9), { kind: 'lost', cpu: 1, events: 4096 });
});

test('a malformed line is an error naming its line number and what is wrong', () => {
  const fail = (text: string, re: RegExp): void => {
    assert.throws(
      () => parse(text, 17),
      (e: unknown) => e instanceof TraceFormatError && e.line === 17 && re.test(e.message) && e.message.startsWith('trace:17: '),
    );
  };
  fail('this is not a trace line', /not a trace event line/);
  fail(`${header('sched_switch')}prev_comm=x`, /unknown event "sched_switch"/);
  fail(`${header('map')}IOMMU: iova=0x1000 - 0x2000 paddr=0x5000`, /"map" fields do not match its TP_printk format/);
  fail(`${header('map')}IOMMU: iova=0x1000 - 0x3000 paddr=0x5000 size=4096`, /iova end 0x3000 is not iova \+ size/);
  fail(`${header('dma_map_page')}${DEV} dir=SIDEWAYS dma_addr=1000 size=1 phys_addr=1 attrs=`, /do not match/);
  fail(`${header('dma_unmap_page')}${DEV} dir=TO_DEVICE dma_addr=ffffffffffffffff size=1 attrs=`, /at or beyond 2\^53/);
  fail(`${header('dma_sync_sg_for_cpu')}${DEV} dir=TO_DEVICE dma_addrs={0x1,0x2} sizes={0x1}`, /2 dma_addrs but 1 sizes/);
  assert.equal(new TraceFormatError(3, 'why').inFile('x.trace').message, 'x.trace:3: why');
});

test('addresses of any width, padding and case read as their exact value, or refused at 2^53 (all-ones dma_addr: -1)', () => {
  let x = 987654321;
  // The high bits of the LCG: its low bits cycle with short periods.
  const next = (m: number): number => ((x = (x * 1103515245 + 12345) % 2 ** 31), Math.floor(x / 65536) % m);
  const digits = '0123456789abcdefABCDEF';
  let exact = 0;
  let refused = 0;
  for (let i = 0; i < 3000; i++) {
    const zeros = '0'.repeat(next(6));
    let sig = '';
    const width = 1 + next(16);
    for (let k = 0; k < width; k++) sig += digits[next(digits.length)];
    if (i % 97 === 0) sig = next(2) === 0 ? 'ffffffffffffffff' : 'FFFFFFFFFFFFFFFF';
    const text = zeros + sig;
    const want = BigInt(`0x${text}`);
    const line = { task: 't', pid: 1, cpu: 0, flags: '', ts: 0, event: 'dma_map_page', body: `0000:00:01.0 dir=TO_DEVICE dma_addr=${text} size=4096 phys_addr=1000 attrs=` };
    if (want <= BigInt(Number.MAX_SAFE_INTEGER)) {
      const e = parseTraceEvent(line, 1);
      assert.equal(e.type === 'dma_map' && e.dmaAddr, Number(want), text);
      exact++;
    } else if (want === 2n ** 64n - 1n) {
      const e = parseTraceEvent(line, 1);
      assert.equal(e.type === 'dma_map' && e.dmaAddr, -1, text);
      assert.throws(() => parseTraceEvent({ ...line, body: line.body.replace(/phys_addr=1000/, `phys_addr=${text}`) }, 1), /2\^53/);
    } else {
      assert.throws(() => parseTraceEvent(line, 1), (err: unknown) => err instanceof TraceFormatError && /at or beyond 2\^53/.test(err.message), text);
      refused++;
    }
  }
  assert.ok(exact > 1000 && refused > 500, `${exact} exact, ${refused} refused`);
});

test('a line of white space of any kind carries no event, as trim() would say; one other character makes it a line to parse', () => {
  const white = [' ', '\t', '\v', '\f', '\u00a0', '\ufeff', '\u2003', '\u3000', '\u2028'];
  for (let i = 0; i < 200; i++) {
    let t = '';
    for (let k = 0; k <= i % 7; k++) t += white[(i * 7 + k * 3) % white.length];
    assert.equal(t.trim(), '');
    assert.deepEqual(parseTraceLine(t, 1), { kind: 'none' }, JSON.stringify(t));
    const odd = t + (i % 2 === 0 ? 'x' : '\u200b'); // U+200B is not white space for trim()
    assert.notEqual(odd.trim(), '');
    assert.throws(() => parseTraceLine(odd, 7), (err: unknown) => err instanceof TraceFormatError && /line 7|7/.test(err.message), JSON.stringify(odd));
  }
});
