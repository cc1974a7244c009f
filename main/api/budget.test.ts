/**
 * Run budgets while a run is going (issue 10): a run that reaches its event, wall-time or memory
 * budget stops with the status budget-exceeded, the budget and the figure in its message, and is
 * stored as such — on the calling thread (the CLI's path) and in the worker pool (sweeps in the
 * workbench) — while the other runs of the sweep finish and stay stored. Budgets are asserted by
 * status, never by timing: the event budget is deterministic, the memory and wall budgets are set
 * far below what any run of 65k events needs, so the first check stops it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BudgetExceededError } from '../common/budget';
import { runSimulation } from '../engine/run';
import { LabStore } from '../store/store';
import { WorkerPool } from './engine/pool';
import { JobManager } from './engine/jobs';
import { executeRuns, prepareRun } from './runner';
import { specJson } from '../../test/support/fake-executor';

/** About 430,000 events (the kernel merges delays and grants free resources without an event): well past the first budget check at 65,536. */
const long = () => prepareRun({ ...specJson('long'), duration: '1s' });
const short = (name = 'short') => prepareRun(specJson(name));

test('the engine stops at its event budget with a BudgetExceededError naming the budget, the figure and the flag', () => {
  const run = long();
  assert.throws(
    () => runSimulation(run.spec, run.profile, { maxEvents: 100_000 }),
    (e: Error) => e instanceof BudgetExceededError && e.stop.budget === 'events' && e.stop.limit === 100_000 && e.stop.used > 100_000 && /event budget of 100000 events was reached .*raise it with --max-events/.test(e.message),
  );
  // A host check (wall, memory) is polled the same way and its stop comes back as is.
  assert.throws(
    () => runSimulation(run.spec, run.profile, { checkBudget: () => ({ budget: 'memory', limit: 1, used: 2 ** 31 }) }),
    (e: Error) => e instanceof BudgetExceededError && /memory budget of .* was reached \(2\.00 GiB\); raise it with --max-memory/.test(e.message),
  );
});

test('in-process: a sweep run that reaches a budget is stored as budget-exceeded; the runs around it finish and stay stored', () => {
  const store = LabStore.open(':memory:');
  try {
    for (const [budgets, kind] of [
      [{ maxEvents: 100_000 }, /event budget/],
      [{ maxMemoryBytes: 2 ** 20 }, /memory budget of 1\.00 MiB/],
      [{ maxWallMs: 1 }, /wall-time budget/],
    ] as const) {
      const out = executeRuns(store, [short('a'), long(), short('b')], { experiment: `budget ${kind.source}`, budgets });
      assert.deepEqual(
        out.map((r) => r.status),
        // The short runs end before the first check at 65,536 events, so only the long run meets a budget.
        ['done', 'budget-exceeded', 'done'],
        JSON.stringify(out.map((r) => r.error)),
      );
      assert.match(out[1]!.error!, kind);
      const rows = store.listRuns({ experiment: `budget ${kind.source}` });
      assert.deepEqual(rows.map((r) => r.status).sort(), ['budget-exceeded', 'done', 'done']);
      assert.match(rows.find((r) => r.status === 'budget-exceeded')!.error!, kind);
      for (const r of rows.filter((r) => r.status === 'done')) assert.ok(store.getResult(r.id)!.events > 0, 'finished results are kept');
    }
  } finally {
    store.close();
  }
});

test('worker pool: the event and memory budgets stop a run in its worker with budget-exceeded, and the worker serves the next run', async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const l = long();
    const byEvents = await pool.run(l.spec, l.profile, () => {}, { maxEvents: 100_000 }).outcome;
    assert.equal(byEvents.status, 'budget-exceeded');
    assert.match('message' in byEvents ? byEvents.message : '', /event budget of 100000 events/);
    const byMemory = await pool.run(l.spec, l.profile, () => {}, { maxMemoryBytes: 2 ** 20 }).outcome;
    assert.equal(byMemory.status, 'budget-exceeded');
    assert.match('message' in byMemory ? byMemory.message : '', /memory budget of 1\.00 MiB was reached \(\d/);
    const s = short();
    assert.equal((await pool.run(s.spec, s.profile, () => {}).outcome).status, 'done');
  } finally {
    await pool.close();
  }
});

test('job manager: a sweep in the pool stores its budget-exceeded run as such and the others as done', async () => {
  const store = LabStore.open(':memory:');
  const jobs = new JobManager(store, new WorkerPool({ size: 2 }));
  try {
    const id = jobs.start('pool budgets', [short('a'), long(), short('b')], undefined, undefined, { maxEvents: 100_000 });
    let v = 0;
    for (;;) {
      const w = await jobs.watch(v, 5000);
      v = w.version;
      const job = w.jobs.find((j) => j.id === id)!;
      if (job.state !== 'running') {
        assert.equal(job.done, 2);
        assert.equal(job.failed, 1);
        assert.match(job.lastError ?? '', /budget exceeded: the event budget/);
        break;
      }
    }
    assert.deepEqual(store.listRuns({ experiment: 'pool budgets' }).map((r) => r.status).sort(), ['budget-exceeded', 'done', 'done']);
  } finally {
    await jobs.close();
    store.close();
  }
});

test('worker pool: a run worker that reaches V8 heap limit before its memory check is reported as budget-exceeded, not as a crash', async () => {
  const pool = new WorkerPool({ size: 1, workerFile: new URL('../../test/support/heap-hog-worker.mjs', import.meta.url).pathname, resourceLimits: { maxOldGenerationSizeMb: 32 } });
  try {
    const s = short();
    const o = await pool.run(s.spec, s.profile, () => {}, { maxMemoryBytes: 2 ** 30 }).outcome;
    assert.equal(o.status, 'budget-exceeded');
    assert.match('message' in o ? o.message : '', /^budget exceeded: the engine worker ran out of JS heap \(V8's limit\) before the memory budget of 1\.00 GiB/);
  } finally {
    await pool.close();
  }
});
