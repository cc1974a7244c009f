import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, dispatch } from '../common/api/contract';
import type { HistogramData } from '../common/result';
import { ScriptError } from '../script/api';
import { LabStore } from '../store/store';
import { createLabService } from './service';
import { prepareRun } from './runner';
import { FakeExecutor, fakeResult, specJson, tick } from '../../test/support/fake-executor';

function setup(evaluate?: Parameters<typeof createLabService>[0]['evaluate']) {
  const store = LabStore.open(':memory:');
  const exec = new FakeExecutor(4);
  const service = createLabService({ store, executor: exec, evaluate });
  return { store, exec, service };
}

/** Runs specs through the service and finishes each with the given scalars. */
async function runAll(s: ReturnType<typeof setup>, file: string, specs: unknown[], scalars: (i: number) => Record<string, number>, extra: (i: number) => object = () => ({})) {
  const r = await dispatch(s.service, 'start', { file, source: JSON.stringify(specs) });
  assert.ok(r.ok, JSON.stringify(r.diagnostics));
  let i = 0;
  while (s.exec.active.length) {
    const t = s.exec.active[0]!;
    t.finish({ status: 'done', result: fakeResult(t.spec.seed, scalars(i), extra(i)), wallMs: 10 + i });
    i++;
    await tick();
  }
  return r;
}

test('every payload is validated at the boundary', async () => {
  const { service } = setup();
  await assert.rejects(dispatch(service, 'getRun', { id: -1 }), (e: unknown) => e instanceof ApiError && /getRun: id/.test(e.message));
  await assert.rejects(dispatch(service, 'listRuns', { limit: 'all' }), ApiError);
  await assert.rejects(dispatch(service, 'start', { file: 'x.exe', source: '' }), /ends in \.json or \.ts/);
  await assert.rejects(dispatch(service, 'tagRuns', { ids: [1], add: ['ok'], evil: true }), /Unrecognized key/);
  await assert.rejects(dispatch(service, 'getRun', { id: 999 }), (e: unknown) => e instanceof ApiError && e.code === 'not-found');
});

test('JSON specs check with errors at their line and column, and sweeps count their runs', async () => {
  const { service } = setup();
  const syntax = await dispatch(service, 'checkScript', { file: 'a.json', source: '{\n  "name": "x",\n  "vms": [}\n' });
  assert.equal(syntax.ok, false);
  assert.equal(syntax.diagnostics[0]!.kind, 'syntax');
  assert.equal(syntax.diagnostics[0]!.line, 3);
  const spec = specJson('e');
  (spec.devices as { workload: { bitrate: string } }[])[0]!.workload.bitrate = 'fast';
  const schema = await dispatch(service, 'checkScript', { file: 'a.json', source: JSON.stringify(spec, null, 2) });
  assert.equal(schema.ok, false);
  const d = schema.diagnostics[0]!;
  assert.equal(d.kind, 'schema');
  assert.match(d.message, /devices\[0\]\.workload\.bitrate/);
  const lines = JSON.stringify(spec, null, 2).split('\n');
  assert.match(lines[d.line - 1]!, /"bitrate"/, 'the marker sits on the offending field');
  const ok = await dispatch(service, 'checkScript', { file: 's.json', source: JSON.stringify([specJson('s', { x: 1 }), specJson('s', { x: 2 })]) });
  assert.deepEqual(ok, { ok: true, diagnostics: [], runs: 2, experiment: 's' });
});

test('TypeScript scripts go through the injected evaluator; its ScriptError becomes a marker', async () => {
  const fake = async (source: string, file: string) => {
    if (source.includes('oops')) throw new ScriptError({ kind: 'syntax', file, line: 4, column: 7, message: "')' expected" });
    return { name: 'from-ts', specs: [prepareRun(specJson('from-ts')).spec] };
  };
  const { service } = setup(fake);
  const bad = await dispatch(service, 'checkScript', { file: 'x.ts', source: 'oops' });
  assert.deepEqual(bad.diagnostics, [{ severity: 'error', kind: 'syntax', line: 4, column: 7, message: "')' expected" }]);
  const good = await dispatch(service, 'checkScript', { file: 'x.ts', source: 'fine' });
  assert.equal(good.ok, true);
  assert.equal(good.experiment, 'from-ts');
});

test('runs list filters by experiment, status, tag, parameter and text, sorts and pages', async () => {
  const s = setup();
  await runAll(s, 'a.json', [1, 2, 3].map((x) => specJson('alpha', { x, mode: x % 2 ? 'odd' : 'even' }, 0, x)), () => ({}));
  await runAll(s, 'b.json', [specJson('beta', { x: 1 })], () => ({}));
  const list = (p: object) => dispatch(s.service, 'listRuns', p);
  assert.equal((await list({})).total, 4);
  assert.equal((await list({ query: { experiment: 'alpha' } })).total, 3);
  assert.equal((await list({ query: { params: { x: 1 } } })).total, 2);
  assert.equal((await list({ query: { params: { mode: 'even' } } })).total, 1);
  assert.equal((await list({ query: { points: [{ x: 1, mode: 'odd' }, { x: 2 }] } })).total, 2);
  assert.equal((await list({ query: { search: 'BET' } })).rows[0]!.experiment, 'beta');
  assert.equal((await list({ query: { params: { 'x") OR 1=1 --': 1, "a'b": 'c' } } })).total, 0, 'parameter names are data, never SQL');
  const asc = await list({ sort: { key: 'id', dir: 'asc' }, limit: 2, offset: 1 });
  assert.deepEqual(asc.rows.map((r) => r.id), [2, 3]);
  assert.equal(asc.total, 4);
  await dispatch(s.service, 'tagRuns', { ids: [1, 3], add: ['baseline'] });
  assert.deepEqual((await list({ query: { tag: 'baseline' } })).rows.map((r) => r.id).sort(), [1, 3]);
  await dispatch(s.service, 'tagRuns', { ids: [3], remove: ['baseline'] });
  assert.deepEqual((await list({ query: { tag: 'baseline' } })).rows.map((r) => r.id), [1]);
  await dispatch(s.service, 'renameRun', { id: 2, name: 'renamed' });
  assert.equal((await dispatch(s.service, 'getRun', { id: 2 })).run.name, 'renamed');
  assert.deepEqual(await dispatch(s.service, 'deleteRuns', { ids: [4] }), { deleted: 1 });
  assert.equal((await list({ query: { status: 'done' } })).total, 3);
  const exps = await dispatch(s.service, 'listExperiments', {});
  assert.deepEqual(exps.map((e) => e.name), ['alpha'], 'an experiment left without runs goes');
  assert.deepEqual(exps[0]!.params.x, [1, 2, 3]);
});

test('saved scripts round-trip through the store', async () => {
  const { service } = setup();
  await dispatch(service, 'saveScript', { name: 'mine.json', source: '{}' });
  await dispatch(service, 'saveScript', { name: 'mine.json', source: '{"a":1}' });
  assert.deepEqual((await dispatch(service, 'listScripts', {})).map((x) => [x.name, x.bytes]), [['mine.json', 7]]);
  assert.equal((await dispatch(service, 'loadScript', { name: 'mine.json' })).source, '{"a":1}');
  assert.deepEqual(await dispatch(service, 'deleteScript', { name: 'mine.json' }), { deleted: true });
  await assert.rejects(dispatch(service, 'loadScript', { name: 'mine.json' }), /no saved script/);
});

test('compare groups replications per configuration with mean, 95 % CI and N', async () => {
  const s = setup();
  const specs = [10, 20].flatMap((x) => [0, 1, 2].map((rep) => specJson('sweep', { x }, rep, 100 + rep)));
  const values = [1, 2, 3, 10, 10, 10];
  await runAll(s, 's.json', specs, (i) => ({ 'dma.throughput_gbps': values[i]! }));
  const r = await dispatch(s.service, 'compare', { query: { experiment: 'sweep' } });
  assert.deepEqual(r.params, ['x']);
  assert.deepEqual(r.groups.map((g) => g.label), ['x=10', 'x=20']);
  const m = r.metrics.find((x) => x.name === 'dma.throughput_gbps')!;
  assert.equal(m.unit, 'Gbit/s');
  assert.equal(m.stats[0]!.mean, 2);
  assert.equal(m.stats[0]!.n, 3);
  assert.ok(Math.abs(m.stats[0]!.ci95! - 4.303 / Math.sqrt(3)) < 1e-9);
  assert.equal(m.stats[1]!.ci95, 0);
  // A query, not run ids: a point filter narrows it.
  const one = await dispatch(s.service, 'compare', { query: { experiment: 'sweep', points: [{ x: 20 }] } });
  assert.equal(one.groups.length, 1);
});

test('distribution merges the replications histograms into one CDF per configuration', async () => {
  const s = setup();
  const h = (values: [number, number][]): HistogramData => ({ alpha: 0.01, count: values.reduce((a, v) => a + v[1], 0), sum: 0, min: 1, max: 1000, zeros: 0, buckets: values });
  await runAll(s, 'd.json', [0, 1].map((rep) => specJson('dist', { x: 1 }, rep, rep + 1)), () => ({ 'map.latency_ns.count': 1 }), (i) => ({ histograms: { 'map.latency_ns': h(i === 0 ? [[100, 10]] : [[300, 30]]) } }));
  const d = await dispatch(s.service, 'distribution', { query: { experiment: 'dist' }, metric: 'map.latency_ns' });
  assert.equal(d.groups.length, 1);
  assert.equal(d.groups[0]!.count, 40);
  const pts = d.groups[0]!.points;
  assert.equal(pts[0]!.q, 0);
  assert.equal(pts[pts.length - 1]!.q, 1);
  for (let i = 1; i < pts.length; i++) assert.ok(pts[i]!.value >= pts[i - 1]!.value, 'a CDF never goes down');
  // A quarter of the samples are in the lower bucket.
  const lowShare = pts.filter((p) => p.value < pts[pts.length - 1]!.value).length / pts.length;
  assert.ok(lowShare > 0.2 && lowShare < 0.3, `low share ${lowShare}`);
});

test('diff lists spec fields and metric deltas, marking what is the same', async () => {
  const s = setup();
  await runAll(s, 'a.json', [specJson('d', { x: 1 }, 0, 1), { ...specJson('d', { x: 2 }, 0, 2), duration: '2ms' }], (i) => ({ 'dma.bytes': i === 0 ? 100 : 150, 'faults.dma': 0 }));
  const d = await dispatch(s.service, 'diffRuns', { a: 1, b: 2 });
  const dur = d.spec.find((e) => e.path === 'duration')!;
  assert.deepEqual([dur.a, dur.b, dur.same], [1_000_000, 2_000_000, false]);
  assert.equal(d.spec.find((e) => e.path === 'vms[0].id')!.same, true);
  const bytes = d.metrics.find((m) => m.name === 'dma.bytes')!;
  assert.deepEqual([bytes.delta, bytes.relative, bytes.same], [50, 0.5, false]);
  assert.equal(d.metrics.find((m) => m.name === 'faults.dma')!.same, true);
});

test('start refuses a broken script without running anything, and cancel reaches the job', async () => {
  const s = setup();
  const bad = await dispatch(s.service, 'start', { file: 'x.json', source: '[' });
  assert.equal(bad.ok, false);
  assert.equal(bad.jobId, null);
  assert.equal(s.exec.tasks.length, 0);
  const r = await dispatch(s.service, 'start', { file: 'x.json', source: JSON.stringify([specJson('c', { x: 1 }), specJson('c', { x: 2 })]), experiment: 'named' });
  assert.equal(r.total, 2);
  assert.deepEqual(await dispatch(s.service, 'cancel', { jobId: r.jobId! }), { cancelled: 2 });
  await tick();
  const w = await dispatch(s.service, 'watch', { after: 0, waitMs: 0 });
  assert.equal(w.jobs[0]!.state, 'cancelled');
  assert.equal(w.jobs[0]!.experiment, 'named');
});

test('the examples gallery lists the shipped examples with titles', async () => {
  const { service } = setup();
  const ex = await dispatch(service, 'listExamples', {});
  const base = ex.find((e) => e.file === 'baseline.json')!;
  assert.equal(base.language, 'json');
  assert.match(base.title, /baseline/);
  const sweep = ex.find((e) => e.file === 'baseline-sweep.json')!;
  assert.match(sweep.description, /^Sweep of 18 runs/);
});

test('time series come from every replication, not only the first', async () => {
  const s = setup();
  const series = { stepNs: 500, startNs: 0, mean: [1, 2], min: [1, 2], max: [1, 2] };
  await runAll(s, 'reps.json', [specJson('reps', { a: 1 }, 0, 1), specJson('reps', { a: 1 }, 1, 2), specJson('reps', { a: 1 }, 2, 3)], () => ({ x: 1 }), (i) => ({ series: { 'dma.inflight': { ...series, mean: [i, i] } } }));
  const r = await dispatch(s.service, 'series', { query: { experiment: 'reps' }, metric: 'dma.inflight' });
  assert.deepEqual(r.groups.map((g) => g.replication).sort(), [0, 1, 2]);
  assert.equal(new Set(r.groups.map((g) => g.group.key)).size, 1, 'one configuration, three realisations');
  assert.deepEqual(r.groups.map((g) => g.data.mean[0]).sort(), [0, 1, 2]);
});
