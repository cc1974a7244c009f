// Trace replay: the captured fixture through each design (the same result hash twice), what is
// replayed and what is counted instead, per-CPU order and lag, an unmap waiting for its map on
// another CPU, a range unmap undoing several maps, malformed lines, a trace longer than the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareRun } from '../../api/runner';
import { traceOpener } from '../../api/trace-opener';
import { canonicalJson, type RunResult } from '../../common/result';
import { SpecError } from '../../common/spec';
import { runSimulation } from '../run';

const FIXTURE = 'debian-6.12-nvme-vtd.trace';
const dir = mkdtempSync(join(tmpdir(), 'viommu-trace-test-'));
let files = 0;
function traceFile(lines: string[]): string {
  const f = join(dir, `t${files++}.trace`);
  writeFileSync(f, `# tracer: nop\n#\n${lines.join('\n')}\n`);
  return f;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(16, '0')}`;
const at = (ts: number): string => `${Math.floor(ts / 1e6)}.${String(ts % 1e6).padStart(6, '0')}`;
/** iommu:map / iommu:unmap lines; `us` is the timestamp in microseconds. */
const map = (cpu: number, us: number, iova: number, size: number, paddr = 0x100000): string =>
  `    dd-7 [00${cpu}] .....  ${at(us)}: map: IOMMU: iova=${hex(iova)} - ${hex(iova + size)} paddr=${hex(paddr)} size=${size}`;
const unmap = (cpu: number, us: number, iova: number, size: number): string =>
  `    <idle>-0 [00${cpu}] d.h1.  ${at(us)}: unmap: IOMMU: iova=${hex(iova)} - ${hex(iova + size)} size=${size} unmapped_size=${size}`;

type Design = 'direct' | 'spapr' | 'smmuv3-emulated' | 'smmuv3-vcmdq' | 'vtd' | 'virtio-iommu';

function spec(workload: Record<string, unknown>, design: Design = 'direct', extra: Record<string, unknown> = {}): Record<string, unknown> {
  const wl = { kind: 'trace', ...workload };
  const vm = { id: 'vm0', memory: '2GiB', vcpus: 2 };
  const dev = { id: 'nvme0', vm: 'vm0', kind: 'nvme', workload: wl, ...extra };
  switch (design) {
    case 'direct':
      return { duration: '2s', vms: [vm], devices: [dev] };
    case 'spapr':
      return { duration: '2s', profile: { base: 'power9-kvm' }, vms: [{ ...vm, viommus: [{ id: 'phb0', kind: 'spapr-tce', params: { ddw: false } }] }], devices: [{ ...dev, attach: 'vfio', viommu: 'phb0' }] };
    case 'smmuv3-emulated':
      return {
        duration: '2s',
        profile: { base: 'kvm-arm64-kunpeng920' },
        host: { iommus: [{ id: 'smmu0', kind: 'smmuv3', params: {} }] },
        vms: [{ ...vm, dmaMode: 'strict', viommus: [{ id: 'v0', kind: 'smmuv3', params: { mode: 'emulated', backing: ['smmu0'] } }] }],
        devices: [{ ...dev, attach: 'emulated', viommu: 'v0' }],
      };
    case 'smmuv3-vcmdq':
      return {
        duration: '2s',
        profile: { base: 'grace-tegra241' },
        host: { cpus: 72, iommus: [{ id: 'smmu0', kind: 'smmuv3', params: { cmdqv: true } }] },
        vms: [{ ...vm, dmaMode: 'strict', viommus: [{ id: 'v0', kind: 'smmuv3', params: { backing: ['smmu0'], vcmdq: true } }] }],
        devices: [{ ...dev, attach: 'vfio', viommu: 'v0', hostIommu: 'smmu0' }],
      };
    case 'vtd':
      return { duration: '2s', vms: [{ ...vm, dmaMode: 'strict', viommus: [{ id: 'vtd0', kind: 'intel-iommu', params: {} }] }], devices: [{ ...dev, attach: 'vfio', viommu: 'vtd0' }] };
    case 'virtio-iommu':
      return { duration: '2s', vms: [{ ...vm, dmaMode: 'strict', viommus: [{ id: 'vi0', kind: 'virtio-iommu', params: {} }] }], devices: [{ ...dev, attach: 'vfio', viommu: 'vi0' }] };
  }
}

function run(input: Record<string, unknown>): RunResult {
  const p = prepareRun(input);
  return runSimulation(p.spec, p.profile, { openTrace: traceOpener });
}

const hash = (r: RunResult): string => createHash('sha256').update(canonicalJson(r)).digest('hex');

test('the captured trace replays through every design, and twice gives the same result hash', () => {
  const seen = new Set<string>();
  for (const design of ['spapr', 'smmuv3-emulated', 'smmuv3-vcmdq', 'vtd', 'virtio-iommu'] as const) {
    const input = spec({ file: FIXTURE, timing: 'closed-loop', cpus: 2 }, design);
    const a = run(input);
    assert.equal(hash(run(input)), hash(a), design);
    seen.add(hash(a));
    // 801 iommu:map (500 single pages, 150 sg lists of two segments, one coherent buffer), 650 iommu:unmap.
    assert.equal(a.scalars['map.ops'], 801, design);
    assert.equal(a.scalars['unmap.ops'], 800, `${design}: each sg unmap undoes both of its segments' maps`);
    assert.equal(a.scalars['trace.events'], 1451, design);
    assert.equal(a.scalars['trace.unmatched_unmaps'], 0, design);
    assert.equal(a.scalars['trace.ignored_events'], 1301, `${design}: the dma:* events are the other layer`);
    assert.equal(a.scalars['trace.not_replayed'], 0, design);
    assert.equal(a.scalars['faults.dma'], 0, design);
  }
  assert.equal(seen.size, 5, 'each design gives its own result');
});

test('events "dma" replays the DMA-API calls instead: one map per dma_map_page, dma_map_sg or dma_alloc', () => {
  const r = run(spec({ file: FIXTURE, timing: 'closed-loop', cpus: 2, events: 'dma' }, 'vtd'));
  assert.equal(r.scalars['map.ops'], 651);
  assert.equal(r.scalars['unmap.ops'], 650);
  assert.equal(r.scalars['trace.ignored_events'], 1451);
  assert.equal(r.scalars['trace.live_max'], 3, 'at most one 4 KiB read, one 64 KiB read or 16 KiB write, and the coherent buffer');
  const other = run(spec({ file: FIXTURE, timing: 'closed-loop', events: 'dma', device: '0000:00:03.0' }, 'vtd'));
  assert.equal(other.scalars['trace.events'], 0);
  assert.equal(other.scalars['trace.ignored_events'], 2752, 'every event is the iommu layer or another device');
});

test('as-recorded keeps the recorded gaps; closed-loop issues back to back', () => {
  const rec = run(spec({ file: FIXTURE, timing: 'as-recorded', cpus: 2 }, 'smmuv3-emulated'));
  const closed = run(spec({ file: FIXTURE, timing: 'closed-loop', cpus: 2 }, 'smmuv3-emulated'));
  const recorded = rec.scalars['trace.recorded_ns']!;
  assert.ok(recorded > 0.99e9 && recorded < 1.01e9, `${recorded}`);
  assert.ok(rec.scalars['trace.replay_ns']! >= recorded, 'the last event cannot finish before its recorded time');
  assert.ok(closed.scalars['trace.replay_ns']! < recorded / 100, `closed-loop ${closed.scalars['trace.replay_ns']}`);
  assert.equal(closed.scalars['trace.lag_ns.count'], undefined, 'lag is an as-recorded measure');
});

test("each trace CPU keeps its order: a slow event delays its own CPU's later events, not another CPU's", () => {
  // CPU 0 maps 16 MiB and unmaps it at 1 us: the device first moves the 16 MiB (about 16.8 ms
  // at 8 Gbit/s), so CPU 0's next map, recorded at 2 us, starts late. CPU 1's ten maps do not wait.
  const lines = [map(0, 1_000_000, 0x10000000, 16 * 2 ** 20), unmap(0, 1_000_001, 0x10000000, 16 * 2 ** 20), map(0, 1_000_002, 0x20000000, 4096)];
  for (let i = 0; i < 10; i++) lines.push(map(1, 1_000_002 + i, 0x30000000 + i * 4096, 4096));
  const r = run(spec({ file: traceFile(lines), cpus: 2 }, 'direct', { linkBandwidth: '8Gbps' }));
  assert.equal(r.scalars['trace.lag_ns.count'], 13);
  const lag = r.scalars['trace.lag_ns.max']!;
  assert.ok(lag > 16e6 && lag < 18e6, `CPU 0's map waited for its unmap: ${lag}`);
  assert.equal(r.scalars['trace.lag_ns.p90'], 0, 'CPU 1 is never late');
  // Folded onto one vCPU, both trace CPUs still keep their own order: the same events, the same lag.
  const one = run(spec({ file: traceFile(lines), cpus: 1 }, 'direct', { linkBandwidth: '8Gbps' }));
  assert.equal(one.scalars['trace.lag_ns.count'], 13);
  assert.equal(one.scalars['trace.lag_ns.p90'], 0);
});

test('an unmap recorded on another CPU waits for the map it undoes; a range unmap undoes the contiguous maps in it', () => {
  // Closed-loop: CPU 1 reaches its unmap at once, while CPU 0 still has 50 maps to make first.
  const lines: string[] = [];
  for (let i = 0; i < 50; i++) lines.push(map(0, 10 + i, 0x1000000 + i * 4096, 4096));
  lines.push(map(0, 100, 0x9000000, 4096), map(0, 101, 0x9001000, 12288), unmap(1, 102, 0x9000000, 16384), unmap(1, 103, 0x7000000, 4096));
  const r = run(spec({ file: traceFile(lines), timing: 'closed-loop', cpus: 2 }, 'vtd'));
  assert.equal(r.scalars['map.ops'], 52);
  assert.equal(r.scalars['unmap.ops'], 2, 'both segments of the range, after their maps');
  assert.equal(r.scalars['trace.unmatched_unmaps'], 1, 'the unmap of an IOVA the trace never mapped');
  assert.equal(r.scalars['trace.live_max'], 52);
});

test('a malformed line fails the run with the file and line number; onMalformed "skip" counts it', () => {
  const f = traceFile([map(0, 10, 0x1000, 4096), 'not a trace line at all', unmap(0, 20, 0x1000, 4096)]);
  assert.throws(() => run(spec({ file: f })), (e: unknown) => e instanceof Error && e.message.startsWith(`${f}:4: not a trace event line`));
  const r = run(spec({ file: f, onMalformed: 'skip' }));
  assert.equal(r.scalars['trace.skipped_lines'], 1);
  assert.equal(r.scalars['trace.events'], 2);
  const unknown = traceFile([`    sh-1 [000] .....  1.000000: sched_switch: prev_comm=sh`]);
  assert.throws(() => run(spec({ file: unknown })), /:3: unknown event "sched_switch"/);
});

test('a trace longer than the run: the rest is counted as not replayed, with a note', () => {
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) lines.push(map(0, 1000 * i, 0x1000 * (i + 1), 4096));
  const r = run({ ...spec({ file: traceFile(lines) }), duration: '5500us' });
  assert.equal(r.scalars['trace.events'], 6, 'maps at 0 … 5 ms');
  assert.equal(r.scalars['trace.not_replayed'], 14);
  assert.match(r.notes.join('\n'), /14 of its events were not replayed/);
  assert.equal(r.scalars['trace.replay_ns'], undefined);
});

test('deviceDma "none" replays maps and unmaps only', () => {
  const f = traceFile([map(0, 10, 0x1000, 8192), unmap(0, 20, 0x1000, 8192)]);
  assert.equal(run(spec({ file: f })).scalars['dma.bytes'], 8192);
  assert.equal(run(spec({ file: f, deviceDma: 'none' })).scalars['dma.bytes'], 0);
});

test('the file must exist and match a given SHA-256; the digest joins the prepared spec; device is for events "dma" only', () => {
  const f = traceFile([map(0, 10, 0x1000, 4096)]);
  const p = prepareRun(spec({ file: f }));
  const w = p.spec.devices[0]!.workload;
  assert.ok(w.kind === 'trace' && /^[0-9a-f]{64}$/.test(w.sha256!));
  const refused = (input: Record<string, unknown>, path: string, re: RegExp): void => {
    assert.throws(
      () => prepareRun(input),
      (e: unknown) => e instanceof SpecError && e.issues.some((i) => i.path === path && re.test(i.message)),
    );
  };
  refused(spec({ file: join(dir, 'missing.trace') }), 'devices[0].workload.file', /no trace file/);
  refused(spec({ file: f, sha256: '0'.repeat(64) }), 'devices[0].workload.sha256', /SHA-256 is [0-9a-f]{64}, not 0{64}/);
  refused(spec({ file: f, device: '0000:00:02.0' }), 'devices[0].workload.device', /name no device/);
});
