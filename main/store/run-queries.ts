/**
 * The runs browser's queries over the store: filter by experiment, status, tag, parameter values
 * and parameter points; sort; page; and the edits the browser makes (tag, rename, delete).
 * Parameter filters match inside the stored point JSON, so they work for any sweep parameter.
 */
import { RUN_COLUMNS, toRow, type LabStore, type RawRun, type RunRow } from './store';

export type ParamValue = string | number | boolean;

export interface RunQuery {
  experiment?: string;
  status?: string;
  tag?: string;
  params?: Record<string, ParamValue>;
  points?: Record<string, ParamValue>[];
  search?: string;
  configs?: string[];
  ids?: number[];
}

export interface RunSort {
  key: 'id' | 'name' | 'experiment' | 'status' | 'createdAt' | 'wallMs' | 'events' | 'replication';
  dir: 'asc' | 'desc';
}

const SORT_COLUMNS: Record<RunSort['key'], string> = {
  id: 'r.id',
  name: 'r.name',
  experiment: 'e.name',
  status: 'r.status',
  createdAt: 'r.created_at',
  wallMs: 'r.wall_ms',
  events: 'r.events',
  replication: 'r.replication',
};

/** A JSON path to one key of the point object, quoted so any key is safe. */
function pointPath(key: string): string {
  return `$."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function sqlValue(v: ParamValue): string | number {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

function whereClause(q: RunQuery): { sql: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.experiment !== undefined) {
    where.push('e.name = ?');
    args.push(q.experiment);
  }
  if (q.status !== undefined) {
    where.push('r.status = ?');
    args.push(q.status);
  }
  if (q.tag !== undefined) {
    where.push('EXISTS (SELECT 1 FROM json_each(r.tags_json) WHERE value = ?)');
    args.push(q.tag);
  }
  for (const [k, v] of Object.entries(q.params ?? {})) {
    where.push('json_extract(r.point_json, ?) = ?');
    args.push(pointPath(k), sqlValue(v));
  }
  if (q.points !== undefined) {
    if (q.points.length === 0) where.push('0');
    else {
      const any: string[] = [];
      for (const p of q.points) {
        const all = Object.entries(p).map(([k, v]) => {
          args.push(pointPath(k), sqlValue(v));
          return 'json_extract(r.point_json, ?) = ?';
        });
        any.push(all.length ? `(${all.join(' AND ')})` : '1');
      }
      where.push(`(${any.join(' OR ')})`);
    }
  }
  if (q.search !== undefined && q.search !== '') {
    where.push(`(instr(lower(r.name), ?) > 0 OR instr(lower(e.name), ?) > 0)`);
    args.push(q.search.toLowerCase(), q.search.toLowerCase());
  }
  if (q.configs !== undefined) {
    where.push(`r.config_hash IN (SELECT value FROM json_each(?))`);
    args.push(JSON.stringify(q.configs));
  }
  if (q.ids !== undefined) {
    where.push(`r.id IN (SELECT value FROM json_each(?))`);
    args.push(JSON.stringify(q.ids));
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

export type QueriedRun = RunRow;

export function queryRuns(store: LabStore, q: RunQuery, sort: RunSort = { key: 'id', dir: 'desc' }, limit = 200, offset = 0): { rows: QueriedRun[]; total: number } {
  const { sql, args } = whereClause(q);
  const from = `FROM runs r JOIN experiments e ON e.id = r.experiment_id ${sql}`;
  const total = (store.db.prepare(`SELECT count(*) AS n ${from}`).get(...args) as { n: number }).n;
  const dir = sort.dir === 'asc' ? 'ASC' : 'DESC';
  const order = `${SORT_COLUMNS[sort.key]} ${dir}${sort.key === 'id' ? '' : `, r.id ${dir}`}`;
  const rows = store.db.prepare(`SELECT ${RUN_COLUMNS} ${from} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...args, Math.floor(limit), Math.floor(offset)) as RawRun[];
  return { rows: rows.map(toRow), total };
}

/** Every run matching the query, oldest first, without paging (for comparisons). */
export function allRuns(store: LabStore, q: RunQuery, max = 20_000): QueriedRun[] {
  return queryRuns(store, q, { key: 'id', dir: 'asc' }, max, 0).rows;
}

export interface ExperimentRow {
  name: string;
  description: string | null;
  runs: number;
  done: number;
  createdAt: string;
  points: string[];
}

export function listExperiments(store: LabStore): ExperimentRow[] {
  const rows = store.db
    .prepare(
      `SELECT e.name, e.description, e.created_at AS createdAt, count(r.id) AS runs, sum(r.status = 'done') AS done
       FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.id GROUP BY e.id ORDER BY e.created_at DESC, e.id DESC`,
    )
    .all() as Omit<ExperimentRow, 'points'>[];
  const points = store.db.prepare(`SELECT DISTINCT r.point_json FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE e.name = ? LIMIT 1000`);
  return rows.map((r) => ({ ...r, done: r.done ?? 0, points: (points.all(r.name) as { point_json: string }[]).map((p) => p.point_json) }));
}

/** Deletes runs (their results go with them); a running run is never deleted. Returns how many went. */
export function deleteRuns(store: LabStore, ids: readonly number[]): number {
  const del = store.db.prepare(`DELETE FROM runs WHERE id = ? AND status != 'running'`);
  let n = 0;
  store.db.transaction(() => {
    for (const id of ids) n += del.run(id).changes;
    store.db.prepare(`DELETE FROM experiments WHERE NOT EXISTS (SELECT 1 FROM runs WHERE experiment_id = experiments.id)`).run();
  })();
  return n;
}

export function tagRuns(store: LabStore, ids: readonly number[], add: readonly string[], remove: readonly string[]): number {
  const get = store.db.prepare(`SELECT tags_json FROM runs WHERE id = ?`);
  const set = store.db.prepare(`UPDATE runs SET tags_json = ? WHERE id = ?`);
  let n = 0;
  store.db.transaction(() => {
    for (const id of ids) {
      const row = get.get(id) as { tags_json: string } | undefined;
      if (row === undefined) continue;
      const tags = new Set(JSON.parse(row.tags_json) as string[]);
      for (const t of add) tags.add(t);
      for (const t of remove) tags.delete(t);
      set.run(JSON.stringify([...tags].sort()), id);
      n++;
    }
  })();
  return n;
}

export function renameRun(store: LabStore, id: number, name: string): boolean {
  return store.db.prepare(`UPDATE runs SET name = ? WHERE id = ?`).run(name, id).changes === 1;
}

export function runNotes(store: LabStore, id: number): string[] {
  const row = store.db.prepare(`SELECT notes_json FROM runs WHERE id = ?`).get(id) as { notes_json: string } | undefined;
  return row === undefined ? [] : (JSON.parse(row.notes_json) as string[]);
}

export function histogramsOf(store: LabStore, ids: readonly number[], name: string): Map<number, string> {
  const stmt = store.db.prepare(`SELECT data_json FROM histograms WHERE run_id = ? AND name = ?`);
  const out = new Map<number, string>();
  for (const id of ids) {
    const r = stmt.get(id, name) as { data_json: string } | undefined;
    if (r !== undefined) out.set(id, r.data_json);
  }
  return out;
}

export function seriesOf(store: LabStore, id: number, name: string): string | undefined {
  return (store.db.prepare(`SELECT data_json FROM series WHERE run_id = ? AND name = ?`).get(id, name) as { data_json: string } | undefined)?.data_json;
}

/** The description and script source stored with a run's experiment. */
export function experimentOf(store: LabStore, runId: number): { description: string | null; source: string | null } | undefined {
  return store.db.prepare(`SELECT e.description, e.source FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`).get(runId) as
    | { description: string | null; source: string | null }
    | undefined;
}
