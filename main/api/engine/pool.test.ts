import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../runner';
import { prepareSpec } from '../pipeline/prepared';
import { WorkerPool } from './pool';
import { specJson } from '../../../test/support/fake-executor';
import { inProcessChecker } from '../pipeline/topology-check';

test('engine workers run a spec off the main thread and stop within a second when cancelled', async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const short = prepareRun(specJson('short'));
    let progressed = 0;
    const done = await pool.run(short.spec, short.profile, () => progressed++).outcome;
    assert.equal(done.status, 'done');
    assert.ok(done.status === 'done' && done.result.events > 0);

    const long = prepareRun({ ...specJson('long'), duration: '2s' });
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
    const long = prepareSpec({ ...specJson('long'), duration: '2s' });
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
