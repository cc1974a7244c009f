import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabStore } from '../../store/store';
import { prepareRun } from '../runner';
import { JobManager } from './jobs';
import { FakeExecutor, WorkerModelExecutor, fakeResult, specJson, tick } from '../../../test/support/fake-executor';

function setup(size = 2): { store: LabStore; exec: FakeExecutor; jobs: JobManager } {
  const store = LabStore.open(':memory:');
  const exec = new FakeExecutor(size);
  return { store, exec, jobs: new JobManager(store, exec) };
}

const sweep = (n: number) => Array.from({ length: n }, (_, i) => prepareRun(specJson('sweep', { x: i }, 0, i + 1)));

test('a job runs no more tasks at once than the executor has workers, and stores each run', async () => {
  const { store, exec, jobs } = setup(2);
  const id = jobs.start('exp', sweep(5));
  assert.equal(exec.active.length, 2);
  assert.deepEqual(store.listRuns().map((r) => r.status), ['running', 'running']);
  exec.active[0]!.finish({ status: 'done', result: fakeResult(1, { 'dma.bytes': 10 }), wallMs: 5 });
  await tick();
  assert.equal(exec.active.length, 2, 'a freed worker takes the next queued run');
  const snap = jobs.snapshot().jobs.find((j) => j.id === id)!;
  assert.equal(snap.done, 1);
  assert.equal(snap.state, 'running');
  while (exec.active.length) {
    exec.active[0]!.finish({ status: 'done', result: fakeResult(1, {}), wallMs: 5 });
    await tick();
  }
  const end = jobs.snapshot().jobs.find((j) => j.id === id)!;
  assert.equal(end.state, 'done');
  assert.equal(end.done, 5);
  assert.equal(end.etaMs, 0);
  assert.equal(store.listRuns({ status: 'done' }).length, 5);
});

test('progress is reported per running run with its fraction, events and an ETA', async () => {
  const { exec, jobs } = setup(1);
  jobs.start('exp', sweep(2));
  exec.active[0]!.progress({ phase: 'run', simNs: 250, endNs: 1000, events: 4000 });
  const j = jobs.snapshot().jobs[0]!;
  assert.equal(j.running.length, 1);
  assert.equal(j.running[0]!.fraction, 0.25);
  assert.equal(j.events, 4000);
  assert.ok(j.etaMs !== null && j.etaMs >= 0);
  assert.deepEqual(j.running[0]!.point, { x: 0 });
});

test('cancelling one run records it as cancelled and lets the sweep go on', async () => {
  const { store, exec, jobs } = setup(2);
  const id = jobs.start('exp', sweep(3));
  assert.equal(jobs.cancel(id, 1), 1);
  await tick();
  assert.ok(exec.tasks[1]!.cancelled);
  const cancelled = store.listRuns({ status: 'cancelled' });
  assert.equal(cancelled.length, 1);
  assert.deepEqual(cancelled[0]!.point, { x: 1 });
  assert.equal(exec.active.length, 2, 'the third run started in the freed slot');
  assert.equal(jobs.snapshot().jobs[0]!.state, 'running');
});

test('cancelling a job stops its running runs and drops the queued ones without storing them', async () => {
  const { store, exec, jobs } = setup(2);
  const id = jobs.start('exp', sweep(6));
  const n = jobs.cancel(id);
  assert.equal(n, 6);
  await tick();
  const j = jobs.snapshot().jobs[0]!;
  assert.equal(j.state, 'cancelled');
  assert.equal(j.cancelled, 2);
  assert.equal(j.skipped, 4);
  assert.equal(store.listRuns().length, 2);
  assert.ok(store.listRuns().every((r) => r.status === 'cancelled'));
  assert.equal(exec.active.length, 0);
  assert.equal(jobs.cancel(id), 0, 'a finished job has nothing left to cancel');
});

test('a failed run is stored as failed with its message and the job carries on', async () => {
  const { store, exec, jobs } = setup(1);
  jobs.start('exp', sweep(2));
  exec.active[0]!.finish({ status: 'failed', message: 'the engine worker crashed: boom', wallMs: 3 });
  await tick();
  assert.equal(store.listRuns({ status: 'failed' })[0]!.error, 'the engine worker crashed: boom');
  assert.equal(jobs.snapshot().jobs[0]!.lastError, 'the engine worker crashed: boom');
  assert.equal(exec.active.length, 1);
});

test('watch answers at once when something changed and waits otherwise', async () => {
  const { exec, jobs } = setup(1);
  const v0 = jobs.snapshot().version;
  const immediate = await jobs.watch(v0 - 1, 5000);
  assert.equal(immediate.version, v0);
  const waiting = jobs.watch(v0, 5000);
  jobs.start('exp', sweep(1));
  const w = await waiting;
  assert.ok(w.version > v0);
  const timedOut = await jobs.watch(w.version, 20);
  assert.equal(timedOut.version, w.version);
  exec.active[0]!.finish({ status: 'done', result: fakeResult(1, {}), wallMs: 1 });
  await tick();
});

test('a cancelled job keeps the events its runs processed (never "0 events")', async () => {
  const { exec, jobs } = setup(2);
  const id = jobs.start('exp', sweep(4));
  exec.active[0]!.progress({ phase: 'run', simNs: 100, endNs: 1000, events: 3000 });
  exec.active[1]!.progress({ phase: 'run', simNs: 100, endNs: 1000, events: 2000 });
  jobs.cancel(id);
  for (const t of [...exec.active]) t.finish({ status: 'cancelled', message: 'run cancelled', wallMs: 1 });
  await tick();
  const j = jobs.snapshot().jobs[0]!;
  assert.equal(j.state, 'cancelled');
  assert.equal(j.events, 5000);
});

test('a job lists its stored runs, and clearing forgets finished jobs only (their runs stay)', async () => {
  const { store, exec, jobs } = setup(2);
  const first = jobs.start('one', sweep(2));
  while (exec.active.length) {
    exec.active[0]!.finish({ status: 'done', result: fakeResult(1, {}), wallMs: 5 });
    await tick();
  }
  const second = jobs.start('two', sweep(3));
  const one = jobs.snapshot().jobs.find((j) => j.id === first)!;
  assert.deepEqual(one.runIds, store.listRuns({ experiment: 'one' }).map((r) => r.id).sort((a, b) => a - b));
  assert.equal(jobs.snapshot().jobs.find((j) => j.id === second)!.runIds.length, 2, 'the two started runs; the queued one is not stored yet');
  const v = jobs.snapshot().version;
  assert.equal(jobs.clearFinished(), 1);
  assert.deepEqual(jobs.snapshot().jobs.map((j) => j.id), [second], 'the running job stays');
  assert.ok(jobs.snapshot().version > v, 'watchers hear of it');
  assert.equal(store.listRuns({ experiment: 'one' }).length, 2, 'the runs stay stored');
  assert.equal(jobs.clearFinished(), 0);
});

test('an executor that queues a run behind each running one is given up to its capacity, but not at the tail; a queued run shows as running once its worker starts it', async () => {
  const store = LabStore.open(':memory:');
  const exec = new (class extends FakeExecutor {
    readonly capacity = 4;
  })(2);
  const jobs = new JobManager(store, exec);
  const id = jobs.start('exp', sweep(6));
  const job = (): ReturnType<JobManager['snapshot']>['jobs'][number] => jobs.snapshot().jobs.find((j) => j.id === id)!;
  const finish = async (i: number): Promise<void> => {
    exec.tasks[i]!.finish({ status: 'done', result: fakeResult(i + 1, {}), wallMs: 1 });
    await tick();
  };
  assert.equal(exec.tasks.length, 4, 'four runs handed over to two workers');
  assert.equal(store.listRuns().length, 4, 'each recorded as it is handed over');
  assert.deepEqual(job().running.map((r) => r.index), [0, 1], 'the two queued behind them are not running yet');
  exec.tasks[2]!.progress({ phase: 'boot', simNs: 0, endNs: null, events: 0 });
  assert.deepEqual(job().running.map((r) => r.index), [0, 1, 2], 'until their worker starts them');
  await finish(0);
  assert.equal(exec.tasks.length, 4, 'the last two runs wait in the manager while both workers hold a run');
  assert.deepEqual(job().running.map((r) => r.index), [1, 2]);
  await finish(1);
  await finish(2);
  assert.equal(exec.tasks.length, 5, 'one goes to the worker that has nothing left');
  assert.deepEqual(job().running.map((r) => r.index), [4], 'run 3 still waits for its worker (no progress), run 4 runs at once');
  assert.equal(jobs.cancel(id, 3), 1, 'a run queued on a worker can be cancelled');
  await tick();
  assert.equal(exec.tasks.length, 6);
  await finish(4);
  await finish(5);
  const end = job();
  assert.equal(end.state, 'done');
  assert.deepEqual([end.done, end.cancelled, end.skipped], [5, 1, 0]);
  assert.deepEqual(store.listRuns().map((r) => r.status).sort(), ['cancelled', 'done', 'done', 'done', 'done', 'done']);
  store.close();
});

test('at the tail a run goes to a worker with nothing to do and shows as running at once, even while the other worker holds two', async () => {
  const store = LabStore.open(':memory:');
  const exec = new WorkerModelExecutor(2);
  const jobs = new JobManager(store, exec);
  const id = jobs.start('exp', sweep(6));
  const running = (): number[] => jobs.snapshot().jobs.find((j) => j.id === id)!.running.map((r) => r.index);
  assert.deepEqual(exec.workers.map((q) => q.length), [2, 2]);
  assert.deepEqual(running(), [0, 1]);
  exec.finishOn(0, 1);
  await tick();
  exec.tasks[2]!.progress({ phase: 'boot', simNs: 0, endNs: null, events: 0 }); // worker 0 starts run 2
  assert.equal(exec.tasks.length, 4, 'the last two wait while no worker is idle');
  exec.finishOn(0, 3);
  await tick();
  assert.deepEqual(exec.workers.map((q) => q.length), [1, 2], 'worker 0, with nothing left, is given run 4 though two runs are in flight');
  assert.deepEqual(running(), [1, 4], 'run 4 runs at once; run 3 still waits behind run 1');
  while (exec.active.length > 0) {
    exec.finishOn(exec.workers[0]!.length > 0 ? 0 : 1, exec.tasks.length);
    await tick();
  }
  assert.equal(jobs.snapshot().jobs.find((j) => j.id === id)!.done, 6);
  store.close();
});
