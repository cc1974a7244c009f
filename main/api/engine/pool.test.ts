import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../runner';
import { prepareSpec } from '../pipeline/prepared';
import { WorkerPool } from './pool';
import { specJson } from '../../../test/support/fake-executor';
import { inProcessChecker } from '../pipeline/topology-check';
import { canonicalJson } from '../../common/result';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('engine workers run a spec off the main thread and stop within a second when cancelled', async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const short = prepareRun(specJson('short'));
    let progressed = 0;
    const done = await pool.run(short.spec, short.profile, () => progressed++).outcome;
    assert.equal(done.status, 'done');
    assert.ok(done.status === 'done' && done.result.events > 0);

    const long = prepareRun({ ...specJson('long'), duration: '60s' }); // far longer than the test waits: it is always cancelled, never done
    let events = 0;
    const handle = pool.run(long.spec, long.profile, (p) => (events = p.events));
    // Wait until the run is really under way, then cancel.
    const t0 = Date.now();
    while (events === 0 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(events > 0, 'progress arrives while the run is going');
    const cancelledAt = Date.now();
    handle.cancel();
    const o = await handle.outcome;
    assert.equal(o.status, 'cancelled');
    assert.ok(Date.now() - cancelledAt < 1000, `cancel took ${Date.now() - cancelledAt} ms`);

    // The worker is reusable after a cancel.
    const again = await pool.run(short.spec, short.profile, () => {}).outcome;
    assert.equal(again.status, 'done');
    assert.ok(again.status === 'done' && done.status === 'done' && again.result.events === done.result.events, 'same spec, same result');
  } finally {
    await pool.close();
  }
});

test('the pool checks topologies in its own worker, one answer per spec, even while every run worker is busy', async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const long = prepareSpec({ ...specJson('long'), duration: '60s' }); // still running when the check answers, however slow the machine
    const busy = pool.run(long.spec, long.profile, () => {});
    const good = prepareSpec(specJson('good'));
    const bad = prepareSpec({
      ...specJson('bad'),
      host: { arch: 'aarch64', iommus: [{ id: 'smmu0', kind: 'smmuv3' }] },
      vms: [{ id: 'vm0', memory: '1GiB', vcpus: 1, viommus: [{ id: 'v0', kind: 'smmuv3', params: { backing: ['smmu9'] } }] }],
      profile: { base: 'grace-tegra241' },
    });
    const issues = await pool.checkTopology([good, bad]);
    assert.equal(issues[0], null);
    assert.equal(issues[1]!.path, 'vms[0].viommus[0].params.backing[0]');
    assert.match(issues[1]!.detail, /no physical SMMUv3 "smmu9"/);
    busy.cancel();
    assert.equal((await busy.outcome).status, 'cancelled');
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.checkTopology([prepareSpec(specJson('late'))]), /the engine pool is closed/);
});

test('work estimates shared by the run workers come back in the specs\' order, as in-process ones, and the workers then run', async () => {
  const pool = new WorkerPool({ size: 2 });
  try {
    const specs = ['100us', '300us', '1ms'].map((duration, i) => prepareSpec({ ...specJson(`e${i}`), duration }));
    const pooled = await pool.estimateOnRunWorkers(specs, 8192, Infinity);
    const here = await inProcessChecker.estimateWork!(specs, 8192, Infinity);
    assert.deepEqual(pooled.map((e) => [e.events, e.eventsBasis, e.bytes]), here.map((e) => [e.events, e.eventsBasis, e.bytes]));
    assert.ok(new Set(here.map((e) => e.events)).size === 3, 'three different estimates, so an order mix-up shows');
    const outcomes = await Promise.all(specs.slice(0, 2).map((s) => pool.run(s.spec, s.profile, () => {}).outcome));
    assert.deepEqual(outcomes.map((o) => o.status), ['done', 'done']);
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.estimateOnRunWorkers([prepareSpec(specJson('late'))], 8192, Infinity), /the engine pool is closed/);
});

test('a worker holds one task queued behind its running one: capacity is twice the workers, the same results as one at a time', async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    assert.equal(pool.capacity, 2);
    const runs = ['q0', 'q1'].map((n, i) => prepareRun({ ...specJson(n), duration: '300us', seed: i + 1 }));
    const alone = await Promise.all(runs.map(async (r) => await pool.run(r.spec, r.profile, () => {}).outcome));
    const both = runs.map((r) => pool.run(r.spec, r.profile, () => {}));
    assert.throws(() => pool.run(runs[0]!.spec, runs[0]!.profile, () => {}), /every engine worker is busy/, 'a third task has no place');
    const queued = await Promise.all(both.map((h) => h.outcome));
    assert.deepEqual(queued.map((o) => o.status), ['done', 'done']);
    const results = (os: typeof queued): string[] => os.map((o) => (o.status === 'done' ? canonicalJson(o.result) : o.status));
    assert.deepEqual(results(queued), results(alone));
    assert.notEqual(results(queued)[0], results(queued)[1], 'two different runs, so a mix-up shows');
  } finally {
    await pool.close();
  }
});

test('idle counts the run workers a task would start on at once, those not yet started included', async () => {
  const pool = new WorkerPool({ size: 2 });
  try {
    const r = prepareRun({ ...specJson('idle'), duration: '300us' });
    const seen = [pool.idle];
    const a = pool.run(r.spec, r.profile, () => {});
    seen.push(pool.idle);
    const b = pool.run(r.spec, r.profile, () => {});
    seen.push(pool.idle);
    const c = pool.run(r.spec, r.profile, () => {});
    seen.push(pool.idle);
    await Promise.all([a, b, c].map((h) => h.outcome));
    seen.push(pool.idle);
    assert.deepEqual(seen, [2, 1, 0, 0, 2]);
  } finally {
    await pool.close();
  }
  assert.equal(pool.idle, 0, 'a closed pool has none');
});

test('a task queued behind another reports its start (boot, no events) when its worker begins it, after the run ahead ends', async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const runs = ['s0', 's1'].map((n, i) => prepareRun({ ...specJson(n), duration: '300us', seed: i + 1 }));
    const log: string[] = [];
    const handles = runs.map((r, i) =>
      pool.run(r.spec, r.profile, (p) => {
        if (p.events === 0) log.push(`start ${i} ${p.phase} ${p.simNs}`);
      }),
    );
    void handles[0]!.outcome.then(() => log.push('end 0'));
    await Promise.all(handles.map((h) => h.outcome));
    assert.deepEqual(log, ['start 0 boot 0', 'end 0', 'start 1 boot 0']);
  } finally {
    await pool.close();
  }
});

test('a queued task cancelled is answered at once and skipped; the run ahead of it goes on to its end, and so does the worker', async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const ahead = prepareRun({ ...specJson('ahead'), duration: '20ms' });
    const short = prepareRun(specJson('short'));
    const running = pool.run(ahead.spec, ahead.profile, () => {});
    const queued = pool.run(short.spec, short.profile, () => {});
    queued.cancel();
    const o = await Promise.race([queued.outcome, running.outcome.then(() => null)]);
    assert.ok(o !== null && o.status === 'cancelled', 'the queued task was answered before the running one ended');
    // Its place is free again at once (its caller has its outcome).
    const third = pool.run(short.spec, short.profile, () => {});
    assert.equal((await running.outcome).status, 'done', 'cancelling the queued task did not cancel the running one');
    assert.equal((await third.outcome).status, 'done', 'the task behind a skipped one runs');
  } finally {
    await pool.close();
  }
});

test('a worker stopped for not answering a cancel hands the task queued behind it to a fresh worker', async () => {
  // A stand-in worker: a task named "stuck" spins without reading its cancel flag; others are answered at once.
  const dir = mkdtempSync(join(tmpdir(), 'viommu-pool-'));
  const file = join(dir, 'stuck-worker.mjs');
  writeFileSync(
    file,
    `import { parentPort, workerData } from 'node:worker_threads';
const flags = new Int32Array(workerData.cancel);
parentPort.on('message', (t) => {
  if (t.type !== 'run') return;
  if (t.spec.name === 'stuck') for (;;);
  if (Atomics.load(flags, t.cell) !== 0) return parentPort.postMessage({ type: 'failed', taskId: t.taskId, status: 'cancelled', message: 'skipped', wallMs: 0 });
  parentPort.postMessage({ type: 'done', taskId: t.taskId, result: { name: t.spec.name }, wallMs: 1 });
});
parentPort.postMessage({ type: 'ready' });
`,
  );
  const pool = new WorkerPool({ size: 1, workerFile: file, cancelGraceMs: 100 });
  try {
    const stuck = prepareSpec(specJson('stuck'));
    const next = prepareSpec(specJson('next'));
    const a = pool.run(stuck.spec, stuck.profile, () => {});
    const b = pool.run(next.spec, next.profile, () => {});
    a.cancel();
    const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the queued task never ran')), 10_000).unref());
    const [oa, ob] = await Promise.race([Promise.all([a.outcome, b.outcome]), late]);
    assert.equal(oa.status, 'cancelled');
    assert.match(oa.status === 'cancelled' ? oa.message : '', /engine worker was stopped/);
    assert.equal(ob.status, 'done');
    assert.deepEqual(ob.status === 'done' ? ob.result : null, { name: 'next' });
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
