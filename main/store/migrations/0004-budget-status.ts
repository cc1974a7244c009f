/**
 * The run status `budget-exceeded` (issue 10): a run stopped at its event, wall-time or memory
 * budget. SQLite cannot change a CHECK constraint in place, so the runs table is rebuilt the way
 * its documentation prescribes (new table, copy, drop, rename, indexes again), with foreign keys
 * off for the rebuild (the runner turns them off around it) so that dropping the old table does
 * not cascade into the metrics; `PRAGMA foreign_key_check` afterwards must find nothing.
 */
import type { Migration } from './types';

export const migration: Migration = {
  version: 4,
  name: 'budget-status',
  foreignKeysOff: true,
  // The rebuilt table keeps its name; this index is what says the migration ran.
  objects: ['runs_budget_status'],
  up: `
    CREATE TABLE runs_v4 (
      id INTEGER PRIMARY KEY,
      experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      config_hash TEXT NOT NULL,
      name TEXT NOT NULL,
      spec_json TEXT NOT NULL,
      profile_json TEXT NOT NULL,
      seed INTEGER NOT NULL,
      engine_version TEXT NOT NULL,
      point_json TEXT NOT NULL DEFAULT '{}',
      replication INTEGER NOT NULL DEFAULT 0,
      status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled', 'interrupted', 'budget-exceeded')),
      error TEXT,
      pid INTEGER,
      created_at TEXT NOT NULL,
      finished_at TEXT,
      wall_ms REAL,
      sim_time_ns REAL,
      events INTEGER,
      notes_json TEXT NOT NULL DEFAULT '[]',
      tags_json TEXT NOT NULL DEFAULT '[]'
    );
    INSERT INTO runs_v4 SELECT id, experiment_id, config_hash, name, spec_json, profile_json, seed, engine_version, point_json, replication, status, error, pid, created_at, finished_at, wall_ms, sim_time_ns, events, notes_json, tags_json FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_v4 RENAME TO runs;
    CREATE INDEX runs_experiment ON runs(experiment_id, status);
    CREATE INDEX runs_config ON runs(experiment_id, config_hash);
    CREATE UNIQUE INDEX runs_one_done_per_config ON runs(experiment_id, config_hash) WHERE status = 'done';
    CREATE INDEX runs_status ON runs(status);
    CREATE INDEX runs_created ON runs(created_at);
    CREATE INDEX runs_budget_status ON runs(status) WHERE status = 'budget-exceeded';
  `,
};
