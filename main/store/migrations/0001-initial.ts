/** Experiments, runs with their configuration, and their scalar metrics, histograms and series. */
import type { Migration } from './types';

export const migration: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE experiments (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      description TEXT,
      source TEXT,
      created_at TEXT NOT NULL
    );
    CREATE TABLE runs (
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
      status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled', 'interrupted')),
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
    CREATE INDEX runs_experiment ON runs(experiment_id, status);
    CREATE INDEX runs_config ON runs(experiment_id, config_hash);
    CREATE UNIQUE INDEX runs_one_done_per_config ON runs(experiment_id, config_hash) WHERE status = 'done';
    CREATE TABLE scalars (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      value REAL,
      PRIMARY KEY (run_id, name)
    ) WITHOUT ROWID;
    CREATE INDEX scalars_by_name ON scalars(name, value);
    CREATE TABLE histograms (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      data_json TEXT NOT NULL,
      PRIMARY KEY (run_id, name)
    ) WITHOUT ROWID;
    CREATE TABLE series (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      data_json TEXT NOT NULL,
      PRIMARY KEY (run_id, name)
    ) WITHOUT ROWID;
  `,
};
