import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestVersion, migrate } from '../migrate';
import { LabStore } from '../store';
import { migration as m0001 } from './0001-initial';

test('a version-1 database gains the workbench tables and keeps its runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'viommu-mig-'));
  try {
    const path = join(dir, 'lab.sqlite');
    const db = new Database(path);
    migrate(db, [m0001]);
    db.prepare(`INSERT INTO experiments (id, name, created_at) VALUES (1, 'old', '2026-01-01')`).run();
    db.prepare(
      `INSERT INTO runs (experiment_id, config_hash, name, spec_json, profile_json, seed, engine_version, status, created_at) VALUES (1, 'h', 'kept', '{}', '{}', 1, '0.1.0', 'done', '2026-01-01')`,
    ).run();
    db.close();
    const store = LabStore.open(path);
    assert.equal(store.db.pragma('user_version', { simple: true }), latestVersion());
    assert.equal(store.listRuns()[0]!.name, 'kept');
    store.db.prepare(`INSERT INTO scripts (name, source, updated_at) VALUES ('a.json', '{}', 'now')`).run();
    const indexes = (store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).all() as { name: string }[]).map((r) => r.name);
    assert.ok(indexes.includes('runs_status') && indexes.includes('runs_created'));
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
