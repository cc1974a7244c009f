/** Notebooks: each one document (cells, their recorded state and execution counter) under a unique name. */
import type { Migration } from './types';

export const migration: Migration = {
  version: 3,
  name: 'notebooks',
  up: `
    CREATE TABLE notebooks (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      doc_json TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
  `,
};
