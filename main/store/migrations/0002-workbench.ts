/** The workbench: saved scripts, and indexes for the runs browser's sorts and filters. */
import type { Migration } from './types';

export const migration: Migration = {
  version: 2,
  name: 'workbench',
  up: `
    CREATE TABLE scripts (
      name TEXT PRIMARY KEY,
      source TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX runs_status ON runs(status);
    CREATE INDEX runs_created ON runs(created_at);
  `,
};
