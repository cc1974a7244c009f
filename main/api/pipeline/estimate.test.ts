/**
 * The work estimate before a run (issue 10): events from a pilot, memory from the models'
 * footprints, and the refusal of a spec whose estimate exceeds a budget — by the one run pipeline,
 * so `check`, `run` and the workbench's check (the worker pool's checker) refuse it alike, with the
 * estimate and the flag that raises the limit. Deterministic: events come from a deterministic
 * pilot, memory from the spec; no assertion reads a clock (the wall-time budget is exercised with
 * a limit of 1 ms, which any pilot's estimate exceeds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetExcesses, DEFAULT_BUDGETS } from '../../common/budget';
import { runSimulation } from '../../engine/run';
import { prepareRun } from '../runner';
import { WorkerPool } from '../engine/pool';
import { estimateWork } from './estimate';
import { prepareSource, type SourceInput } from './pipeline';
import { inProcessChecker } from './topology-check';

const noScripts = () => Promise.reject(new Error('no scripts'));
const prepare = (spec: unknown, extra: Partial<SourceInput> = {}) => prepareSource({ file: 'spec.json', source: JSON.stringify(spec, null, 2), ...extra }, { evaluate: noScripts, checker: inProcessChecker });

const nic = (duration: string, bitrate = '10Gbps') => ({
  name: 'nic',
  duration,
  vms: [{ id: 'vm0', memory: '1GiB', vcpus: 1 }],
  devices: [{ id: 'nic0', vm: 'vm0', kind: 'nic', workload: { kind: 'nic', bitrate, packetSize: 64 } }],
});
/** A 4 TiB POWER guest whose direct DDW maps all RAM at 4 KiB at boot: 2^30 TCEs, about 9 GiB of tables. */
const hugeTces = {
  name: 'tces',
  duration: '1ms',
  profile: { base: 'power9-kvm' },
  host: { arch: 'ppc64le', cpus: 8 },
  vms: [{ id: 'g', memory: '4TiB', vcpus: 4, viommus: [{ id: 'phb0', kind: 'spapr-tce', params: { ddwPageSizes: ['4KiB'] } }] }],
  devices: [{ id: 'd', vm: 'g', viommu: 'phb0', workload: { kind: 'boot' } }],
};

test('the pilot extrapolates the events of a run within a few per cent, and is exact when the run fits in it', () => {
  for (const [duration, basis] of [['20ms', 'extrapolated'], ['100us', 'exact']] as const) {
    const run = prepareRun(nic(duration));
    const e = estimateWork(run.spec, run.profile);
    const actual = runSimulation(run.spec, run.profile).events;
    assert.equal(e.eventsBasis, basis);
    assert.ok(Math.abs(e.events / actual - 1) < 0.05, `${duration}: estimated ${e.events}, ran ${actual}`);
    assert.ok(e.wallMs > 0);
  }
});

test('footprints: the sPAPR direct DDW counts its TCEs from the spec, the VT-d premap its leaves (capped by dma_entry_limit under vfio)', () => {
  const spapr = prepareRun({ ...hugeTces, vms: [{ ...hugeTces.vms[0], memory: '64GiB' }] });
  const fp = estimateWork(spapr.spec, spapr.profile, 8192).footprint;
  const ddw = fp.find((f) => /direct DDW/.test(f.what))!;
  assert.equal(ddw.path, 'vms[0].viommus[0]');
  assert.equal(ddw.count, 2 ** 36 / 4096);
  // 16 MiB pages (the default mask of machine 4.2) need 4096 times fewer.
  const big = prepareRun({ ...hugeTces, vms: [{ id: 'g', memory: '64GiB', vcpus: 4, viommus: [{ id: 'phb0', kind: 'spapr-tce' }] }] });
  assert.equal(estimateWork(big.spec, big.profile, 8192).footprint.find((f) => /direct DDW/.test(f.what))!.count, 2 ** 36 / 2 ** 24);

  const vtd = (limit: number) =>
    prepareRun({
      name: 'premap',
      duration: '1ms',
      profile: { base: 'kvm-x86-2024', overrides: { 'vfio.dma_entry_limit': limit } },
      host: { arch: 'x86_64', cpus: 8 },
      vms: [{ id: 'vm0', memory: '128GiB', vcpus: 2, viommus: [{ id: 'vtd0', kind: 'intel-iommu' }] }],
      devices: [{ id: 'nic0', vm: 'vm0', kind: 'nic', attach: 'vfio', viommu: 'vtd0', params: { premap: '64GiB', premapLeaf: '4KiB' }, workload: { kind: 'boot' } }],
    });
  const capped = vtd(65535);
  assert.ok(estimateWork(capped.spec, capped.profile, 8192).footprint[0]!.count < 70_000, 'the default dma_entry_limit stops the premap early');
  const raised = vtd(2 ** 26);
  const leaves = estimateWork(raised.spec, raised.profile, 8192).footprint[0]!;
  assert.equal(leaves.count, 2 ** 24);
  assert.match(leaves.what, /premapped 4KiB leaves \(device nic0\)/);
});

test('a spec whose estimated events exceed the budget is refused with the estimate and --max-events; the flag lets it through', async () => {
  // 60 s of NIC traffic: about 1e8–1e9 events depending on how the kernel merges them, far past a budget of 1e6.
  const long = nic('60s', '100Gbps');
  const r = await prepare(long, { budgets: { maxEvents: 1e6 } });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.diagnostics.length, 1, JSON.stringify(r.diagnostics));
  const d = r.diagnostics[0]!;
  assert.equal(d.kind, 'budget');
  assert.deepEqual([d.line, d.column], [1, 1]);
  assert.match(d.message, /^\(spec\): the work estimate, about \d\.\d\de\d+ events \(boot \d+ events, then .* per simulated ms for 60000 ms\), exceeds the event budget of 1\.00e6: shorten the run or raise the budget with --max-events \d/);
  const ok = await prepare(long, { budgets: { maxEvents: 1e13, maxWallMs: DEFAULT_BUDGETS.maxWallMs * 1e4 } });
  assert.equal(ok.ok, true, JSON.stringify(!ok.ok && ok.diagnostics));
  assert.ok(ok.ok && ok.estimates![0]!.events > 1e6);
});

test('a spec whose memory estimate exceeds the budget is refused naming the structure, its count and --max-memory', async () => {
  const r = await prepare(hugeTces);
  assert.equal(r.ok, false, JSON.stringify(r.ok && r.estimates));
  if (r.ok) return;
  const d = r.diagnostics.find((x) => x.kind === 'budget' && /memory/.test(x.message))!;
  assert.match(d.message, /the memory estimate, 9\.0\d GiB \(vms\[0\]\.viommus\[0\]: 1\.07e9 TCEs of the direct DDW \(all RAM at 4096 B pages\) × 9 B\), exceeds the memory budget of 3\.00 GiB: raise it with --max-memory 12GiB/);
  // Raised, the memory stage passes (not run here: its pilot would fill gigabytes of tables).
  const e = estimateWork(prepareRun(hugeTces).spec, prepareRun(hugeTces).profile, 0, 0);
  assert.deepEqual(budgetExcesses(e, { ...DEFAULT_BUDGETS, maxMemoryBytes: 2 ** 40 }), []);
});

test('a wall-time budget below the estimate is refused with --max-wall; the excess list names each budget once', async () => {
  const r = await prepare(nic('20ms'), { budgets: { maxWallMs: 1 } });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.diagnostics[0]!.message, /the wall-time estimate, about .* at this machine's pilot rate .* exceeds the wall-time budget of 0\.00100 s: raise it with --max-wall \d+min/);
  const e = { events: 5e9, eventsBasis: 'at-least' as const, bytes: 2 ** 33, wallMs: 1, footprint: [], basis: 'x' };
  assert.deepEqual(budgetExcesses(e, DEFAULT_BUDGETS).map((x) => x.budget), ['events', 'memory']);
});

test('replications (and runs differing only in name) share one pilot; the worker pool (the workbench check) gives the same estimate as in-process', async () => {
  const sweep = [0, 1, 2].map((replication) => ({ ...nic('20ms'), name: `rep ${replication}`, seed: 1 + replication, replication }));
  let calls = 0;
  const counting = { ...inProcessChecker, estimateWork: (runs: Parameters<NonNullable<typeof inProcessChecker.estimateWork>>[0], n: number, max: number) => ((calls += runs.length), inProcessChecker.estimateWork!(runs, n, max)) };
  const r = await prepareSource({ file: 's.json', source: JSON.stringify(sweep) }, { evaluate: noScripts, checker: counting });
  assert.ok(r.ok);
  assert.equal(calls, 1, 'one pilot for three replications with three names');
  const pool = new WorkerPool({ size: 1 });
  try {
    const viaPool = await prepareSource({ file: 's.json', source: JSON.stringify(sweep) }, { evaluate: noScripts, checker: pool });
    assert.ok(viaPool.ok && r.ok, JSON.stringify(!viaPool.ok && viaPool.diagnostics));
    if (viaPool.ok && r.ok) assert.deepEqual(viaPool.estimates!.map((e) => e.events), r.estimates!.map((e) => e.events));
    const refused = await prepareSource({ file: 'h.json', source: JSON.stringify(hugeTces) }, { evaluate: noScripts, checker: pool });
    assert.ok(!refused.ok && refused.diagnostics.some((d) => d.kind === 'budget' && /--max-memory/.test(d.message)));
  } finally {
    await pool.close();
  }
});
