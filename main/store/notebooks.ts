/** Notebooks in the store: one JSON document per notebook (validated by the caller), by id and unique name. */
import type { LabStore } from './store';

export interface NotebookRow {
  id: number;
  name: string;
  doc: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface NotebookListRow {
  id: number;
  name: string;
  title: string;
  cells: number;
  updatedAt: string;
}

interface Raw {
  id: number;
  name: string;
  doc_json: string;
  created_at: string;
  updated_at: string;
}

const toRow = (r: Raw): NotebookRow => ({ id: r.id, name: r.name, doc: JSON.parse(r.doc_json), createdAt: r.created_at, updatedAt: r.updated_at });

export function listNotebooks(store: LabStore): NotebookListRow[] {
  const rows = store.db.prepare(`SELECT id, name, doc_json, created_at, updated_at FROM notebooks ORDER BY updated_at DESC, id DESC`).all() as Raw[];
  return rows.map((r) => {
    const doc = JSON.parse(r.doc_json) as { title?: string; cells?: unknown[] };
    return { id: r.id, name: r.name, title: doc.title ?? r.name, cells: doc.cells?.length ?? 0, updatedAt: r.updated_at };
  });
}

export function getNotebook(store: LabStore, id: number): NotebookRow | undefined {
  const r = store.db.prepare(`SELECT id, name, doc_json, created_at, updated_at FROM notebooks WHERE id = ?`).get(id) as Raw | undefined;
  return r === undefined ? undefined : toRow(r);
}

export function findNotebook(store: LabStore, name: string): NotebookRow | undefined {
  const r = store.db.prepare(`SELECT id, name, doc_json, created_at, updated_at FROM notebooks WHERE name = ?`).get(name) as Raw | undefined;
  return r === undefined ? undefined : toRow(r);
}

/** Creates a notebook; a taken name gets " (2)", " (3)"… so an import never overwrites. Returns its id. */
export function createNotebook(store: LabStore, name: string, doc: unknown, now = new Date()): number {
  let candidate = name;
  for (let i = 2; findNotebook(store, candidate) !== undefined; i++) candidate = `${name} (${i})`;
  const t = now.toISOString();
  return Number(store.db.prepare(`INSERT INTO notebooks (name, doc_json, created_at, updated_at) VALUES (?, ?, ?, ?)`).run(candidate, JSON.stringify(doc), t, t).lastInsertRowid);
}

export function updateNotebook(store: LabStore, id: number, doc: unknown, name?: string, now = new Date()): boolean {
  const t = now.toISOString();
  return store.db.prepare(`UPDATE notebooks SET doc_json = ?, name = coalesce(?, name), updated_at = ? WHERE id = ?`).run(JSON.stringify(doc), name ?? null, t, id).changes === 1;
}

export function deleteNotebook(store: LabStore, id: number): boolean {
  return store.db.prepare(`DELETE FROM notebooks WHERE id = ?`).run(id).changes === 1;
}
