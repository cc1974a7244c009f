// The streaming reader: lines split across chunks of any size, file order (and so each CPU's
// order) kept, line numbers counted over comments and blank lines, malformed lines an error or
// skipped and counted, lost-event markers summed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceFormatError } from './errors';
import { stringSource, TraceReader, type ChunkSource } from './reader';
import type { TraceEvent } from './events';

const FIXTURE = join(import.meta.dirname, '..', '..', '..', 'resources', 'traces', 'debian-6.12-nvme-vtd.trace');

const map = (cpu: number, ts: string, iova: number): string =>
  `   dd-1 [00${cpu}] .....  ${ts}: map: IOMMU: iova=0x${iova.toString(16).padStart(16, '0')} - 0x${(iova + 4096).toString(16).padStart(16, '0')} paddr=0x0000000000001000 size=4096`;

function all(src: ChunkSource, skip = false): { events: TraceEvent[]; reader: TraceReader } {
  const reader = new TraceReader(src, { skipMalformed: skip });
  const events: TraceEvent[] = [];
  for (let e = reader.next(); e !== null; e = reader.next()) events.push(e);
  return { events, reader };
}

test('the same events whatever the chunk size, the last line with or without a newline', () => {
  const text = readFileSync(FIXTURE, 'utf8');
  const whole = all(stringSource(text, text.length + 1)).events;
  assert.equal(whole.length, 2752);
  for (const size of [1, 7, 4096]) assert.deepEqual(all(stringSource(text, size)).events, whole, `chunks of ${size}`);
  assert.deepEqual(all(stringSource(text.trimEnd(), 333)).events, whole);
});

test("each CPU's events come out in the order of the file, interleaved as recorded", () => {
  const lines = [map(1, '1.000001', 0x10000), map(0, '1.000001', 0x20000), map(1, '1.000002', 0x30000), map(0, '1.000003', 0x40000), map(1, '1.000003', 0x50000)];
  const { events } = all(stringSource(lines.join('\n'), 10));
  const perCpu = (cpu: number): number[] => events.filter((e) => e.cpu === cpu).map((e) => (e.type === 'iommu_map' ? e.iova : -1));
  assert.deepEqual(perCpu(1), [0x10000, 0x30000, 0x50000]);
  assert.deepEqual(perCpu(0), [0x20000, 0x40000]);
  assert.deepEqual(
    events.map((e) => e.lineNo),
    [1, 2, 3, 4, 5],
  );
  // The fixture: two CPUs, each in timestamp order.
  const fixture = all(stringSource(readFileSync(FIXTURE, 'utf8'))).events;
  for (const cpu of [0, 1]) {
    const ts = fixture.filter((e) => e.cpu === cpu).map((e) => e.ts);
    assert.ok(ts.length > 100 && ts.every((t, i) => i === 0 || t >= ts[i - 1]!), `cpu ${cpu}`);
  }
});

test('a malformed line stops the reader with its line number (comments and blank lines counted); skip counts it instead', () => {
  const text = ['# tracer: nop', '#', map(0, '1.0', 0x1000), '', 'garbage here', map(0, '1.1', 0x2000), 'CPU:0 [LOST 12 EVENTS]', map(0, '1.2', 0x3000)].join('\n');
  const r = new TraceReader(stringSource(text, 5));
  assert.equal(r.next()?.lineNo, 3);
  assert.throws(
    () => r.next(),
    (e: unknown) => e instanceof TraceFormatError && e.line === 5,
  );
  const skipped = all(stringSource(text, 5), true);
  assert.deepEqual(
    skipped.events.map((e) => e.lineNo),
    [3, 6, 8],
  );
  assert.equal(skipped.reader.skipped, 1);
  assert.equal(skipped.reader.lost, 12);
  assert.equal(skipped.reader.events, 3);
});

test('CRLF line ends read like LF', () => {
  const { events } = all(stringSource(`${map(0, '2.5', 0x1000)}\r\n${map(1, '2.6', 0x2000)}\r\n`, 3));
  assert.deepEqual(
    events.map((e) => [e.cpu, e.ts]),
    [
      [0, 2_500_000_000],
      [1, 2_600_000_000],
    ],
  );
});
