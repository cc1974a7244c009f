/**
 * executeRunsOn (run --jobs N): a task goes to its worker before its run is recorded, yet the run
 * ids are the serial ones and the results come back in run order; a run the store cannot record is
 * cancelled on its worker and the error reaches the caller once nothing is in flight (no hang).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabStore } from '../store/store';
import { executeRunsOn } from './pooled-runs';
import { prepareRun } from './runner';
import { FakeExecutor, WorkerModelExecutor, fakeResult, specJson, tick } from '../../test/support/fake-executor';

/** On a failed assertion too: ends what is left in flight, so the sweep (and its cancel poll) ends, then closes the store. */
async function endSweep(fake: FakeExecutor, done: Promise<unknown>, store: LabStore): Promise<void> {
  for (const t of fake.active) t.finish({ status: 'cancelled', message: 'test over', wallMs: 1 });
  await done.catch(() => {});
  store.close();
}

test('tasks start before their run is recorded; ids and results stay in run order', async () => {
  const store = LabStore.open(':memory:');
  const fake = new FakeExecutor(2);
  try {
    const runs = ['a', 'b', 'c'].map((n) => prepareRun(specJson(n)));
    let begunWhenStarted = -1;
    const starts: number[] = [];
    const done = executeRunsOn(fake, store, runs, {
      experiment: 'pooled',
      onRunStart: (i, _n, _run, runId) => {
        starts.push(runId);
        if (i === 0) begunWhenStarted = fake.tasks.length;
      },
    });
    assert.equal(begunWhenStarted, 1, 'the first task was on its worker when its run was recorded');
    // b finishes before a (c takes its slot); results still come back in run order.
    fake.tasks[1]!.finish({ status: 'done', result: fakeResult(2, { x: 2 }), wallMs: 1 });
    await tick();
    fake.tasks[0]!.finish({ status: 'done', result: fakeResult(1, { x: 1 }), wallMs: 1 });
    await tick();
    fake.tasks[2]!.finish({ status: 'done', result: fakeResult(3, { x: 3 }), wallMs: 1 });
    const out = await done;
    assert.deepEqual(out.map((r) => r.runId), starts);
    assert.deepEqual([...starts].sort((x, y) => x - y), starts, 'ids in run order');
    assert.deepEqual(out.map((r) => r.result?.scalars.x), [1, 2, 3]);
  } finally {
    store.close();
  }
});

test('a run the store cannot record is cancelled on its worker, and the error is thrown once the others end', async () => {
  const store = LabStore.open(':memory:');
  const fake = new FakeExecutor(2);
  try {
    const runs = ['a', 'b', 'c'].map((n) => prepareRun(specJson(n)));
    const begin = store.beginRun.bind(store);
    let calls = 0;
    store.beginRun = (r) => {
      if (++calls === 3) throw new Error('disk on fire');
      return begin(r);
    };
    const done = executeRunsOn(fake, store, runs, { experiment: 'broken store' });
    fake.tasks[0]!.finish({ status: 'done', result: fakeResult(1, { x: 1 }), wallMs: 1 });
    await tick();
    assert.equal(fake.tasks[2]?.cancelled, true, 'the unrecorded run was cancelled');
    fake.tasks[1]!.finish({ status: 'done', result: fakeResult(2, { x: 2 }), wallMs: 1 });
    await assert.rejects(done, /disk on fire/);
  } finally {
    store.close();
  }
});

test('an executor that queues a task behind each running one is given up to its capacity; ids and results stay in run order', async () => {
  const store = LabStore.open(':memory:');
  const fake = new (class extends FakeExecutor {
    readonly capacity = 4;
  })(2);
  const runs = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => prepareRun(specJson(n)));
  const starts: number[] = [];
  const done = executeRunsOn(fake, store, runs, { experiment: 'queued', onRunStart: (_i, _n, _run, runId) => starts.push(runId) });
  try {
    assert.equal(fake.active.length, 4, 'four tasks in flight on two workers');
    for (const i of [3, 1, 0, 2]) {
      fake.tasks[i]!.finish({ status: 'done', result: fakeResult(i + 1, { x: i + 1 }), wallMs: 1 });
      await tick();
    }
    assert.equal(fake.tasks.length, 6);
    for (const i of [5, 4]) fake.tasks[i]!.finish({ status: 'done', result: fakeResult(i + 1, { x: i + 1 }), wallMs: 1 });
    const out = await done;
    assert.deepEqual([...starts].sort((x, y) => x - y), starts, 'ids in run order');
    assert.deepEqual(out.map((r) => r.runId), starts);
    assert.deepEqual(out.map((r) => r.result?.scalars.x), [1, 2, 3, 4, 5, 6]);
  } finally {
    await endSweep(fake, done, store);
  }
});

test('the last `size` runs are not queued behind a running one: they go to a worker once one has nothing left', async () => {
  const store = LabStore.open(':memory:');
  const fake = new (class extends FakeExecutor {
    readonly capacity = 4;
  })(2);
  const runs = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => prepareRun(specJson(n)));
  const done = executeRunsOn(fake, store, runs, { experiment: 'tail' });
  const finish = async (i: number): Promise<void> => {
    fake.tasks[i]!.finish({ status: 'done', result: fakeResult(i + 1, { x: i + 1 }), wallMs: 1 });
    await tick();
  };
  try {
    assert.equal(fake.tasks.length, 4, 'capacity in flight at the start');
    await finish(0);
    await finish(1);
    assert.equal(fake.tasks.length, 6, 'runs 4 and 5 queued behind running ones while more than two remain');
    await finish(2);
    await finish(3);
    assert.equal(fake.tasks.length, 6, 'runs 6 and 7 wait while both workers hold a run');
    assert.equal(fake.active.length, 2);
    await finish(4);
    assert.equal(fake.tasks.length, 7, 'run 6 starts when a worker has nothing left');
    await finish(5);
    assert.equal(fake.tasks.length, 8);
    await finish(6);
    await finish(7);
    const out = await done;
    assert.deepEqual(out.map((r) => r.result?.scalars.x), [1, 2, 3, 4, 5, 6, 7, 8]);
  } finally {
    await endSweep(fake, done, store);
  }
});

test('at the tail a run goes to a worker with nothing to do, even while the other worker holds two', async () => {
  const store = LabStore.open(':memory:');
  const fake = new WorkerModelExecutor(2);
  const runs = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => prepareRun(specJson(n)));
  const done = executeRunsOn(fake, store, runs, { experiment: 'idle tail' });
  const finishOn = async (w: number): Promise<void> => {
    fake.finishOn(w, fake.tasks.length);
    await tick();
  };
  try {
    assert.deepEqual(fake.workers.map((q) => q.length), [2, 2], 'capacity in flight at the start');
    // Worker 0 is the fast one: it finishes its runs while worker 1 is still on its first.
    await finishOn(0);
    await finishOn(0);
    assert.equal(fake.tasks.length, 6, 'runs 4 and 5 were queued behind worker 0 while more than two waited');
    await finishOn(0);
    await finishOn(0);
    assert.deepEqual(fake.workers.map((q) => q.length), [1, 2], 'worker 0 was given run 6 the moment it had nothing, though two runs were in flight');
    await finishOn(0);
    assert.deepEqual(fake.workers.map((q) => q.length), [1, 2], 'and run 7');
    while (fake.active.length > 0) await finishOn(fake.workers[0]!.length > 0 ? 0 : 1);
    const out = await done;
    assert.equal(out.length, 8);
    assert.ok(out.every((r) => r.status === 'done'));
  } finally {
    await endSweep(fake, done, store);
  }
});

test('with nothing in flight the next run is handed over even when no worker reports idle: the executor places it or says why, never a silent wait', async () => {
  const store = LabStore.open(':memory:');
  const fake = new (class extends FakeExecutor {
    readonly capacity = 4;
    readonly idle = 0;
  })(2);
  const done = executeRunsOn(fake, store, [prepareRun(specJson('only'))], { experiment: 'no idle' });
  try {
    assert.equal(fake.tasks.length, 1);
    fake.tasks[0]!.finish({ status: 'done', result: fakeResult(1, {}), wallMs: 1 });
    assert.equal((await done).length, 1);
  } finally {
    await endSweep(fake, done, store);
  }
});
