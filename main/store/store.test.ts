import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabStore } from './store';
import { StoreVersionError } from '../common/errors';
import { migrate } from './migrate';
import type { Migration } from './migrations/types';
import type { RunResult } from '../common/result';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'viommu-store-')), 'lab.sqlite');

const result = (x: number): RunResult => ({
  engineVersion: 't',
  seed: 1,
  simTimeNs: 100,
  events: 10,
  scalars: { 'dma.bytes': x, 'map.latency_ns.p50': 40.5 },
  histograms: { 'map.latency_ns': { alpha: 0.005, count: 1, sum: 40, min: 40, max: 40, buckets: [[370, 1]], zeros: 0 } },
  series: {},
  notes: ['n'],
});

function newRun(store: LabStore, exp: number, hash: string): number {
  return store.beginRun({ experimentId: exp, configHash: hash, name: 'r', spec: {}, profile: {}, seed: 1, engineVersion: 't', point: { g: 4096 }, replication: 0 });
}

test('migrations apply in one transaction and a newer database is refused', () => {
  const db = new Database(':memory:');
  const ms: Migration[] = [
    { version: 1, name: 'a', up: 'CREATE TABLE a (x)' },
    { version: 2, name: 'b', up: 'CREATE TABLE b (x)' },
  ];
  assert.deepEqual(migrate(db, ms.slice(0, 1)), { from: 0, to: 1 });
  assert.deepEqual(migrate(db, ms), { from: 1, to: 2 });
  assert.deepEqual(migrate(db, ms), { from: 2, to: 2 });
  assert.throws(() => migrate(db, ms.slice(0, 1)), (e: Error) => e instanceof StoreVersionError && /schema version 2, newer than this vIOMMU Lab understands \(1\)/.test(e.message));
  const broken: Migration[] = [...ms, { version: 3, name: 'c', up: 'CREATE TABLE c (x); THIS IS NOT SQL' }];
  assert.throws(() => migrate(db, broken));
  assert.equal(db.pragma('user_version', { simple: true }), 2, 'a failed migration leaves the version as it was');
  assert.equal((db.prepare(`SELECT count(*) n FROM sqlite_master WHERE name = 'c'`).get() as { n: number }).n, 0, 'and none of its tables');
});

test('runs round-trip their results, and a finished re-run replaces its twin (keeping tags)', () => {
  const store = LabStore.open(tmp());
  const exp = store.ensureExperiment('e1', 'desc');
  assert.equal(store.ensureExperiment('e1'), exp);
  const first = newRun(store, exp, 'h1');
  store.finishRun(first, result(1), 5);
  store.db.prepare(`UPDATE runs SET tags_json = '["keep"]' WHERE id = ?`).run(first);
  assert.deepEqual(store.getResult(first), result(1));
  const again = newRun(store, exp, 'h1');
  assert.equal(store.listRuns().length, 2, 'the old result stays while the re-run is in progress');
  store.finishRun(again, result(2), 5);
  const runs = store.listRuns();
  assert.deepEqual(runs.map((r) => [r.id, r.status, r.tags]), [[again, 'done', ['keep']]]);
  assert.equal(store.getResult(again)!.scalars['dma.bytes'], 2);
  const failed = newRun(store, exp, 'h1');
  store.endRun(failed, 'failed', 'boom', 1);
  assert.equal(store.getResult(again)!.scalars['dma.bytes'], 2, 'a failed re-run does not replace anything');
  assert.deepEqual(store.listRuns({ status: 'failed' }).map((r) => r.error), ['boom']);
  store.close();
});

test('runs left running by a dead process become interrupted on open; live ones do not', () => {
  const path = tmp();
  const store = LabStore.open(path);
  const exp = store.ensureExperiment('e');
  const mine = newRun(store, exp, 'a');
  const orphan = newRun(store, exp, 'b');
  store.db.prepare('UPDATE runs SET pid = ? WHERE id = ?').run(2 ** 22 + 12345, orphan); // beyond pid_max: never alive
  store.close();
  const again = LabStore.open(path);
  assert.equal(again.getRun(mine)!.status, 'running');
  assert.equal(again.getRun(orphan)!.status, 'interrupted');
  again.close();
});
