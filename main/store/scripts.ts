/** Saved topology scripts (JSON specs or TypeScript) by name, in the store next to the runs they produce. */
import type { LabStore } from './store';

export interface ScriptRow {
  name: string;
  source: string;
  updatedAt: string;
}

export function saveScript(store: LabStore, name: string, source: string, now = new Date()): ScriptRow {
  const updatedAt = now.toISOString();
  store.db
    .prepare(`INSERT INTO scripts (name, source, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET source = excluded.source, updated_at = excluded.updated_at`)
    .run(name, source, updatedAt);
  return { name, source, updatedAt };
}

export function loadScript(store: LabStore, name: string): ScriptRow | undefined {
  return store.db.prepare(`SELECT name, source, updated_at AS updatedAt FROM scripts WHERE name = ?`).get(name) as ScriptRow | undefined;
}

export function listScripts(store: LabStore): { name: string; updatedAt: string; bytes: number }[] {
  return store.db.prepare(`SELECT name, updated_at AS updatedAt, length(CAST(source AS BLOB)) AS bytes FROM scripts ORDER BY updated_at DESC, name`).all() as {
    name: string;
    updatedAt: string;
    bytes: number;
  }[];
}

export function deleteScript(store: LabStore, name: string): boolean {
  return store.db.prepare(`DELETE FROM scripts WHERE name = ?`).run(name).changes === 1;
}
