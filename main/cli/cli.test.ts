import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { cli } from '../../test/support/cli';
import { LabStore } from '../store/store';

const root = new URL('../../', import.meta.url).pathname;
const baseline = join(root, 'resources/examples/baseline.json');

const dir = mkdtempSync(join(tmpdir(), 'viommu-cli-'));
const db = join(dir, 'lab.sqlite');

test('run --json prints the result with throughput and latency quantiles, and stores it', async () => {
  const r = await cli('run', baseline, '--db', db, '--json', '--set', 'duration=2ms');
  assert.equal(r.code, 0, r.err);
  // One shape for one run or many: the experiment with its runs.
  const out = JSON.parse(r.out);
  assert.deepEqual(Object.keys(out).sort(), ['description', 'experiment', 'file', 'runs']);
  assert.equal(out.experiment, 'baseline: dma-direct, no IOMMU');
  assert.equal(out.runs.length, 1);
  const run = out.runs[0];
  assert.deepEqual(Object.keys(run).sort(), ['configHash', 'error', 'name', 'point', 'profile', 'replication', 'result', 'runId', 'seed', 'status']);
  assert.equal(run.status, 'done');
  assert.equal(run.error, null);
  const result = run.result;
  for (const m of ['dma.throughput_gbps', 'map.latency_ns.p50', 'map.latency_ns.p99', 'unmap.latency_ns.p999']) assert.ok(typeof result.scalars[m] === 'number', m);
  assert.match(r.err, /stored 1 of 1 run/);
  const store = LabStore.open(db);
  const runs = store.listRuns();
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.id, run.runId);
  assert.deepEqual(store.getResult(runs[0]!.id)!.scalars, result.scalars);
  store.close();
});

test('the same run twice prints byte-identical JSON (but for its new run id); --seed changes it', async () => {
  const a = await cli('run', baseline, '--db', db, '--json', '--set', 'duration=1ms');
  const b = await cli('run', baseline, '--db', db, '--json', '--set', 'duration=1ms');
  const c = await cli('run', baseline, '--db', db, '--json', '--set', 'duration=1ms', '--seed', '7');
  const runIdOf = (out: string): number => JSON.parse(out).runs[0].runId;
  assert.notEqual(runIdOf(a.out), runIdOf(b.out), 'the re-run is stored as a new run that replaces its twin');
  assert.equal(a.out.replace(/"runId": \d+/, ''), b.out.replace(/"runId": \d+/, ''));
  assert.notEqual(a.out, c.out);
});

test('run --json prints the same shape for a sweep: the experiment with one entry per run, in order', async () => {
  const spec = JSON.parse(readFileSync(baseline, 'utf8'));
  const file = join(dir, 'two.json');
  writeFileSync(file, JSON.stringify([1, 2].map((x) => ({ ...spec, name: 'two points', duration: '1ms', point: { x } }))));
  const r = await cli('run', file, '--db', join(dir, 'sweep.sqlite'), '--json');
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.experiment, 'two points');
  assert.equal(out.file, file);
  assert.deepEqual(out.runs.map((x: { point: unknown; status: string }) => [x.point, x.status]), [[{ x: 1 }, 'done'], [{ x: 2 }, 'done']]);
  assert.ok(out.runs.every((x: { result: { scalars: object } }) => typeof x.result.scalars === 'object'));
});

test('runs lists stored runs, filtered by status and experiment', async () => {
  const r = await cli('runs', '--db', db);
  assert.equal(r.code, 0);
  assert.match(r.out, /baseline: dma-direct, no IOMMU/);
  assert.match(r.out, /done/);
  const none = await cli('runs', '--db', db, '--status', 'failed');
  assert.match(none.err, /no runs match/);
  const bad = await cli('runs', '--db', db, '--status', 'finished');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /expected one of running, done/);
});

test('export csv writes RFC 4180 that a CSV parser reads back with the stored values', async () => {
  const out = join(dir, 'runs.csv');
  const r = await cli('export', 'csv', '--db', db, '-o', out);
  assert.equal(r.code, 0, r.err);
  const text = readFileSync(out, 'utf8');
  assert.ok(text.includes('\r\n'));
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  const store = LabStore.open(db);
  const runs = store.listRuns();
  assert.equal(rows.length, runs.length);
  const scalars = store.scalars(runs.map((x) => x.id));
  for (const row of rows) {
    const s = scalars.get(Number(row.run_id))!;
    assert.equal(row.name, 'baseline: dma-direct, no IOMMU');
    for (const [k, v] of Object.entries(s)) assert.equal(Number(row[k]), v, `${k} of run ${row.run_id}`);
  }
  store.close();
});

test('export json gives each run with its spec, resolved profile and the full stored result', async () => {
  const r = await cli('export', 'json', '--db', db, '--status', 'done');
  assert.equal(r.code, 0, r.err);
  const runs = JSON.parse(r.out) as { id: number; status: string; spec: { name: string }; profile: { id: string }; result: { scalars: Record<string, number>; histograms: Record<string, unknown> } }[];
  const store = LabStore.open(db);
  assert.equal(runs.length, store.listRuns({ status: 'done' }).length);
  for (const run of runs) {
    assert.deepEqual(run.result, JSON.parse(JSON.stringify(store.getResult(run.id))));
    assert.equal(run.spec.name, 'baseline: dma-direct, no IOMMU');
    assert.equal(run.profile.id, 'kvm-x86-2024');
    assert.ok('map.latency_ns' in run.result.histograms);
  }
  store.close();
  const bad = await cli('export', 'xml', '--db', db);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /expected csv .*, json .*, html or pdf/);
  const noNotebook = await cli('export', 'pdf', '--db', db);
  assert.equal(noNotebook.code, 2);
  assert.match(noNotebook.err, /export pdf: name one notebook file or --notebook NAME/);
});

test('an invalid spec is one message naming the JSON path, a non-zero exit, and the database is unchanged', async () => {
  const before = createHash('sha256').update(readFileSync(db)).digest('hex');
  const bad = join(dir, 'bad.json');
  const spec = JSON.parse(readFileSync(baseline, 'utf8'));
  spec.devices[0].workload.granule = '4KB/s';
  const text = JSON.stringify(spec, null, 2);
  writeFileSync(bad, text);
  const r = await cli('run', bad, '--db', db);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.equal(r.err.trim().split('\n').length, 1);
  // file:line:column of the offending field, then its JSON path.
  const m = /bad\.json:(\d+):(\d+): devices\[0\]\.workload\.granule: unknown bytes unit "KB\/s".* \[schema\]\n$/.exec(r.err);
  assert.ok(m, r.err);
  assert.equal(text.split('\n')[Number(m[1]) - 1]!.slice(Number(m[2]) - 1), '"granule": "4KB/s",');
  writeFileSync(bad, '{\n  "vms": [,]\n}');
  const syntax = await cli('run', bad, '--db', db);
  assert.match(syntax.err, /bad\.json:2:\d+: invalid JSON/);
  const set = await cli('run', baseline, '--db', db, '--set', 'vfio.pin_ns_per_pag=3');
  assert.match(set.err, /--set|does not exist|unknown profile parameter/);
  assert.equal(set.code, 1);
  const after = createHash('sha256').update(readFileSync(db)).digest('hex');
  assert.equal(after, before);
});

test('a topology the model cannot build is refused before anything is stored', async () => {
  const before = createHash('sha256').update(readFileSync(db)).digest('hex');
  const vms = [0, 1, 2, 3].map((i) => ({ id: `vm${i}`, memory: '1GiB', viommus: [{ id: 'v', kind: 'smmuv3', params: { backing: ['smmu0'], vcmdq: true } }] }));
  const spec = {
    profile: { base: 'grace-tegra241' },
    host: { arch: 'aarch64', iommus: [{ id: 'smmu0', kind: 'smmuv3', params: { cmdqv: true, vintfsLog2: 2 } }] },
    vms,
    devices: vms.map((v, i) => ({ id: `d${i}`, vm: v.id, viommu: 'v', hostIommu: 'smmu0', workload: { kind: 'boot' } })),
  };
  const file = join(dir, 'vintfs.json');
  const text = JSON.stringify(spec, null, 2);
  writeFileSync(file, text);
  const r = await cli('run', file, '--db', db);
  assert.equal(r.code, 1);
  assert.equal(r.err.trim().split('\n').length, 1);
  const m = /vintfs\.json:(\d+):(\d+): vms\[3\]\.viommus\[0\]\.params\.vcmdq: .*VINTFs.* \[topology\]\n$/.exec(r.err);
  assert.ok(m, r.err);
  // The marker is on vm3's "vcmdq", the fourth in the file.
  const lines = text.split('\n');
  assert.equal(lines[Number(m[1]) - 1]!.slice(Number(m[2]) - 1), '"vcmdq": true');
  assert.equal(lines.slice(0, Number(m[1])).filter((l) => l.includes('"vcmdq"')).length, 4);
  assert.equal(createHash('sha256').update(readFileSync(db)).digest('hex'), before);
});

test('usage errors exit 2 with one line', async () => {
  const r = await cli('frobnicate');
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown command "frobnicate"/);
  const m = await cli('run');
  assert.equal(m.code, 2);
  const o = await cli('run', baseline, '--bogus');
  assert.equal(o.code, 2);
  assert.match(o.err, /bogus/);
});
