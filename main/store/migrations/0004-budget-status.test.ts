import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, schemaVersion } from '../migrate';
import { migrations } from '.';
import { LabStore } from '../store';

test('migration 4 rebuilds the runs table for budget-exceeded without losing a run or a metric', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'viommu-m4-')), 'lab.sqlite');
  // A version-3 database with a finished run and its metrics, foreign keys on as the store opens it.
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, 3));
  db.prepare(`INSERT INTO experiments (id, name, created_at) VALUES (1, 'e', 'now')`).run();
  db.prepare(
    `INSERT INTO runs (id, experiment_id, config_hash, name, spec_json, profile_json, seed, engine_version, status, created_at, tags_json) VALUES (7, 1, 'h', 'r', '{}', '{}', 1, 't', 'done', 'now', '["keep"]')`,
  ).run();
  db.prepare(`INSERT INTO scalars (run_id, name, value) VALUES (7, 'dma.bytes', 42)`).run();
  db.prepare(`INSERT INTO histograms (run_id, name, data_json) VALUES (7, 'h', '{}')`).run();
  assert.throws(() => db.prepare(`UPDATE runs SET status = 'budget-exceeded' WHERE id = 7`).run(), /CHECK constraint/);

  assert.deepEqual(migrate(db), { from: 3, to: 4 });
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are back on');
  assert.equal(schemaVersion(db), 4);
  assert.deepEqual(db.prepare(`SELECT id, status, tags_json FROM runs`).all(), [{ id: 7, status: 'done', tags_json: '["keep"]' }]);
  assert.deepEqual(db.prepare(`SELECT run_id, value FROM scalars`).all(), [{ run_id: 7, value: 42 }], 'dropping the old table cascaded nowhere');
  const indexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  assert.deepEqual(indexes, ['runs_budget_status', 'runs_config', 'runs_created', 'runs_experiment', 'runs_one_done_per_config', 'runs_status']);
  // The metrics still cascade from the rebuilt table, and the new status is accepted.
  db.prepare(`INSERT INTO runs (id, experiment_id, config_hash, name, spec_json, profile_json, seed, engine_version, status, created_at) VALUES (8, 1, 'g', 'r', '{}', '{}', 1, 't', 'budget-exceeded', 'now')`).run();
  db.prepare(`DELETE FROM runs WHERE id = 7`).run();
  assert.equal((db.prepare(`SELECT count(*) n FROM scalars`).get() as { n: number }).n, 0);
  assert.deepEqual(migrate(db), { from: 4, to: 4 }, 'and it runs once');
  db.close();

  const store = LabStore.open(file);
  assert.deepEqual(store.listRuns({ status: 'budget-exceeded' }).map((r) => r.id), [8]);
  store.close();
});
