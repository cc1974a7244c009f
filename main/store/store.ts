/**
 * The lab's SQLite store (better-sqlite3, WAL): experiments, runs with their configuration and
 * status, and each run's scalars, histograms and series.
 *
 * Guarantees: a run's results are written in one transaction, so a killed process leaves either
 * all of them or none; a run left `running` by a dead process is marked `interrupted` when the
 * store is next opened; a re-run of the same configuration in the same experiment replaces its
 * twin only once it has finished successfully (until then the old result stays).
 */
import Database from 'better-sqlite3';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { makeDirs } from './make-dirs';
import { dirname } from 'node:path';
import type { RunStatus } from '../common/api/types';
import type { RunResult } from '../common/result';
import { describeStoreError, isBusy, isFull, isReadOnly, ResultSpilledError, StoreError } from '../common/store-errors';

export { ResultSpilledError };
import { BUSY_SLICE_MS, withLockWait, type LockWaitOptions } from './lock-wait';
import { migrate } from './migrate';
import { snapshotCopy } from './snapshot';
import { placeMarker, processAlive, removeMarker, takeStaleMarkers } from './shutdown-marker';
import { pendingSpills, removeSpill, writeSpill } from './spill';

export type { RunStatus };

export interface RunRow {
  id: number;
  experimentId: number;
  experiment: string;
  configHash: string;
  name: string;
  seed: number;
  engineVersion: string;
  point: Record<string, unknown>;
  replication: number;
  status: RunStatus;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  wallMs: number | null;
  simTimeNs: number | null;
  events: number | null;
  tags: string[];
}

export interface NewRun {
  experimentId: number;
  configHash: string;
  name: string;
  spec: unknown;
  profile: unknown;
  seed: number;
  engineVersion: string;
  point: Record<string, unknown>;
  replication: number;
}

export interface RunFilter {
  experiment?: string;
  status?: RunStatus;
  limit?: number;
}

/** A runs row as SELECTed with RUN_COLUMNS. */
export interface RawRun {
  id: number;
  experiment_id: number;
  experiment: string;
  config_hash: string;
  name: string;
  seed: number;
  engine_version: string;
  point_json: string;
  replication: number;
  status: RunStatus;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  wall_ms: number | null;
  sim_time_ns: number | null;
  events: number | null;
  tags_json: string;
}

export const RUN_COLUMNS = `r.id, r.experiment_id, e.name AS experiment, r.config_hash, r.name, r.seed, r.engine_version, r.point_json,
  r.replication, r.status, r.error, r.created_at, r.finished_at, r.wall_ms, r.sim_time_ns, r.events, r.tags_json`;

export interface StoreOpenOptions extends LockWaitOptions {
  /** Open for reading only (also chosen automatically when the file or its folder cannot be written). */
  readOnly?: boolean;
}


export class LabStore {
  readonly db: Database.Database;
  /** Spill files imported when the store was opened. */
  importedSpills = 0;

  private constructor(
    db: Database.Database,
    readonly path: string,
    readonly readOnly: boolean,
    private readonly opts: StoreOpenOptions,
    private readonly snapshotDir: string | null,
  ) {
    this.db = db;
  }

  /**
   * Opens (creating if needed) and migrates the database, checks it after an unclean shutdown,
   * imports spilled results, then marks runs orphaned by dead processes as interrupted. A file
   * that cannot be written is opened read-only (from a private snapshot: SQLite cannot read a
   * WAL database in place on a read-only file system). Every failure is one StoreError sentence.
   */
  static open(path: string, opts: StoreOpenOptions = {}): LabStore {
    if (opts.readOnly === true) return LabStore.openSnapshot(path, opts);
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:') {
        try {
          makeDirs(dirname(path));
        } catch (e) {
          const why = (e as Error).message.replace(/\s+/g, ' ').trim();
          throw new StoreError(path, `its folder cannot be created (${why}); point --db at a writable folder`, (e as NodeJS.ErrnoException).code);
        }
      }
      db = new Database(path, { timeout: BUSY_SLICE_MS });
      const unclean = path !== ':memory:' && takeStaleMarkers(path);
      const conn = db;
      withLockWait(path, opts, () => conn.pragma('journal_mode = WAL'));
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
      if (unclean) {
        let problems: { quick_check: string }[];
        try {
          problems = db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
        } catch (e) {
          problems = [{ quick_check: (e as Error).message }];
        }
        if (problems.length !== 1 || problems[0]!.quick_check !== 'ok') {
          throw new StoreError(path, `the database is damaged (found after an unclean shutdown: ${problems.slice(0, 3).map((p) => p.quick_check.replace(/\s+/g, ' ').trim()).join('; ')}); run \`viommu-lab db check\` and restore a backup or recover it with \`sqlite3 FILE .recover\``, 'SQLITE_CORRUPT');
        }
      }
      withLockWait(path, opts, () => migrate(conn));
    } catch (e) {
      db?.close();
      if (path !== ':memory:' && existsSync(path) && isReadOnly(e) && !isBusy(e)) return LabStore.openSnapshot(path, opts);
      throw describeStoreError(path, e);
    }
    const store = new LabStore(db, path, false, opts, null);
    try {
      if (path !== ':memory:') {
        placeMarker(path);
        store.importSpills();
      }
      store.recoverInterrupted();
    } catch (e) {
      store.close();
      throw describeStoreError(path, e);
    }
    return store;
  }

  /** A read-only view of the database from a private copy (the file and its WAL), so nothing is written next to it. */
  private static openSnapshot(path: string, opts: StoreOpenOptions): LabStore {
    if (!existsSync(path)) throw new StoreError(path, 'no such database to open read-only', 'SQLITE_CANTOPEN');
    let dir: string | undefined;
    let db: Database.Database | undefined;
    try {
      const snap = snapshotCopy(path, 'viommu-lab-ro-');
      dir = snap.dir;
      db = new Database(snap.copy);
      migrate(db);
      db.pragma('query_only = ON');
      return new LabStore(db, path, true, opts, dir);
    } catch (e) {
      db?.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      throw describeStoreError(path, e);
    }
  }

  close(): void {
    if (!this.db.open) return;
    this.db.close();
    if (this.snapshotDir !== null) rmSync(this.snapshotDir, { recursive: true, force: true });
    else if (this.path !== ':memory:') removeMarker(this.path);
  }

  /** Runs a write with the lock wait; any failure becomes one sentence naming the file. */
  write<T>(op: () => T): T {
    if (this.readOnly) throw new StoreError(this.path, 'the database is open read-only (its file or folder cannot be written); list and export work, changes need a writable copy', 'SQLITE_READONLY');
    try {
      return withLockWait(this.path, this.opts, op);
    } catch (e) {
      throw describeStoreError(this.path, e);
    }
  }

  /** Imports results that an earlier process could not store; returns how many. */
  importSpills(): number {
    const { pending } = pendingSpills(this.path);
    for (const { file, spill } of pending) {
      const row = this.db.prepare(`SELECT status, config_hash FROM runs WHERE id = ?`).get(spill.runId) as { status: RunStatus; config_hash: string } | undefined;
      if (row === undefined || row.config_hash !== spill.configHash) continue;
      if (row.status !== 'done') this.storeResult(spill.runId, spill.result, spill.wallMs);
      removeSpill(file);
      this.importedSpills++;
    }
    return this.importedSpills;
  }

  /** Runs still `running` whose process no longer exists become `interrupted`. Returns how many. */
  recoverInterrupted(): number {
    const rows = this.db.prepare(`SELECT id, pid FROM runs WHERE status = 'running'`).all() as { id: number; pid: number | null }[];
    const dead = rows.filter((r) => r.pid === null || !processAlive(r.pid));
    if (dead.length === 0) return 0;
    const mark = this.db.prepare(`UPDATE runs SET status = 'interrupted', error = 'the process running it stopped before it finished' WHERE id = ?`);
    this.write(() => this.db.transaction(() => dead.forEach((r) => mark.run(r.id))).immediate());
    return dead.length;
  }

  ensureExperiment(name: string, description?: string, source?: string): number {
    return this.write(() => this.ensureExperimentNow(name, description, source));
  }

  private ensureExperimentNow(name: string, description?: string, source?: string): number {
    const row = this.db.prepare(`SELECT id FROM experiments WHERE name = ?`).get(name) as { id: number } | undefined;
    if (row !== undefined) {
      if (description !== undefined || source !== undefined) {
        this.db.prepare(`UPDATE experiments SET description = coalesce(?, description), source = coalesce(?, source) WHERE id = ?`).run(description ?? null, source ?? null, row.id);
      }
      return row.id;
    }
    const info = this.db
      .prepare(`INSERT INTO experiments (name, description, source, created_at) VALUES (?, ?, ?, ?)`)
      .run(name, description ?? null, source ?? null, new Date().toISOString());
    return Number(info.lastInsertRowid);
  }

  beginRun(r: NewRun): number {
    const info = this.write(() => this.db
      .prepare(
        `INSERT INTO runs (experiment_id, config_hash, name, spec_json, profile_json, seed, engine_version, point_json, replication, status, pid, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
      )
      .run(
        r.experimentId,
        r.configHash,
        r.name,
        JSON.stringify(r.spec),
        JSON.stringify(r.profile),
        r.seed,
        r.engineVersion,
        JSON.stringify(r.point),
        r.replication,
        process.pid,
        new Date().toISOString(),
      ));
    return Number(info.lastInsertRowid);
  }

  /**
   * Stores a finished run's results and replaces its finished twin (same experiment and
   * configuration), atomically. If the database cannot take them (disk full, lock held past the
   * wait, I/O error), the result goes to a spill file and ResultSpilledError says where.
   */
  finishRun(runId: number, result: RunResult, wallMs: number): void {
    try {
      faultPoint('fill-disk-before-finish');
      this.write(() => this.storeResult(runId, result, wallMs));
    } catch (e) {
      const code = (e as StoreError).code;
      if (!isFull(e) && !isBusy(e)) throw e;
      const configHash = (this.db.prepare(`SELECT config_hash FROM runs WHERE id = ?`).get(runId) as { config_hash: string } | undefined)?.config_hash ?? 'unknown';
      let spillFile: string;
      try {
        spillFile = writeSpill(this.path, { runId, configHash, wallMs, result });
      } catch (spillError) {
        throw new StoreError(this.path, `the finished result could not be stored (${(e as Error).message}) nor kept in a spill file (${(spillError as Error).message})`, code);
      }
      throw new ResultSpilledError(this.path, spillFile, code === 'SQLITE_BUSY' ? 'the database stayed locked by another process' : 'the disk is full or failing');
    }
  }

  private storeResult(runId: number, result: RunResult, wallMs: number): void {
    const run = this.db.prepare(`SELECT experiment_id, config_hash FROM runs WHERE id = ?`).get(runId) as { experiment_id: number; config_hash: string } | undefined;
    if (run === undefined) throw new Error(`no run ${runId}`);
    const insScalar = this.db.prepare(`INSERT INTO scalars (run_id, name, value) VALUES (?, ?, ?)`);
    const insHist = this.db.prepare(`INSERT INTO histograms (run_id, name, data_json) VALUES (?, ?, ?)`);
    const insSeries = this.db.prepare(`INSERT INTO series (run_id, name, data_json) VALUES (?, ?, ?)`);
    this.db
      .transaction(() => {
        const twins = this.db
          .prepare(`SELECT id, tags_json FROM runs WHERE experiment_id = ? AND config_hash = ? AND status = 'done' AND id != ?`)
          .all(run.experiment_id, run.config_hash, runId) as { id: number; tags_json: string }[];
        const tags = new Set<string>();
        for (const t of twins) for (const tag of JSON.parse(t.tags_json) as string[]) tags.add(tag);
        for (const t of twins) this.db.prepare(`DELETE FROM runs WHERE id = ?`).run(t.id);
        let n = 0;
        for (const [name, value] of Object.entries(result.scalars)) {
          insScalar.run(runId, name, Number.isFinite(value) ? value : null);
          if (++n === 3) faultPoint('stall-in-write');
        }
        for (const [name, h] of Object.entries(result.histograms)) insHist.run(runId, name, JSON.stringify(h));
        for (const [name, s] of Object.entries(result.series)) insSeries.run(runId, name, JSON.stringify(s));
        this.db
          .prepare(
            `UPDATE runs SET status = 'done', error = NULL, finished_at = ?, wall_ms = ?, sim_time_ns = ?, events = ?, notes_json = ?, tags_json = ?, pid = NULL WHERE id = ?`,
          )
          .run(new Date().toISOString(), wallMs, result.simTimeNs, result.events, JSON.stringify(result.notes), JSON.stringify([...tags].sort()), runId);
      })
      .immediate();
  }

  endRun(runId: number, status: 'failed' | 'cancelled' | 'budget-exceeded', error: string, wallMs: number): void {
    this.write(() =>
      this.db
        .prepare(`UPDATE runs SET status = ?, error = ?, finished_at = ?, wall_ms = ?, pid = NULL WHERE id = ?`)
        .run(status, error, new Date().toISOString(), wallMs, runId),
    );
  }

  listRuns(filter: RunFilter = {}): RunRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.experiment !== undefined) {
      where.push('e.name = ?');
      args.push(filter.experiment);
    }
    if (filter.status !== undefined) {
      where.push('r.status = ?');
      args.push(filter.status);
    }
    const sql = `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id ${filter.limit ? 'LIMIT ' + Math.floor(filter.limit) : ''}`;
    return (this.db.prepare(sql).all(...args) as RawRun[]).map(toRow);
  }

  getRun(id: number): RunRow | undefined {
    const raw = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`).get(id) as RawRun | undefined;
    return raw === undefined ? undefined : toRow(raw);
  }

  getSpec(id: number): { spec: unknown; profile: unknown } | undefined {
    const raw = this.db.prepare(`SELECT spec_json, profile_json FROM runs WHERE id = ?`).get(id) as { spec_json: string; profile_json: string } | undefined;
    return raw === undefined ? undefined : { spec: JSON.parse(raw.spec_json), profile: JSON.parse(raw.profile_json) };
  }

  /** Scalars of many runs: run id → (name → value). NULL (non-finite) values come back as NaN. */
  scalars(runIds: readonly number[]): Map<number, Record<string, number>> {
    const out = new Map<number, Record<string, number>>();
    const stmt = this.db.prepare(`SELECT name, value FROM scalars WHERE run_id = ? ORDER BY name`);
    for (const id of runIds) {
      const rec: Record<string, number> = {};
      for (const r of stmt.all(id) as { name: string; value: number | null }[]) rec[r.name] = r.value ?? NaN;
      out.set(id, rec);
    }
    return out;
  }

  /** Reassembles a stored run's result (the same canonical JSON the engine produced). */
  getResult(id: number): RunResult | undefined {
    const run = this.db.prepare(`SELECT seed, engine_version, sim_time_ns, events, notes_json, status FROM runs WHERE id = ?`).get(id) as
      | { seed: number; engine_version: string; sim_time_ns: number; events: number; notes_json: string; status: RunStatus }
      | undefined;
    if (run === undefined || run.status !== 'done') return undefined;
    const histograms: RunResult['histograms'] = {};
    for (const r of this.db.prepare(`SELECT name, data_json FROM histograms WHERE run_id = ? ORDER BY name`).all(id) as { name: string; data_json: string }[]) {
      histograms[r.name] = JSON.parse(r.data_json);
    }
    const series: RunResult['series'] = {};
    for (const r of this.db.prepare(`SELECT name, data_json FROM series WHERE run_id = ? ORDER BY name`).all(id) as { name: string; data_json: string }[]) {
      series[r.name] = JSON.parse(r.data_json);
    }
    return {
      engineVersion: run.engine_version,
      seed: run.seed,
      simTimeNs: run.sim_time_ns,
      events: run.events,
      scalars: this.scalars([id]).get(id)!,
      histograms,
      series,
      notes: JSON.parse(run.notes_json) as string[],
    };
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }
}

export function toRow(r: RawRun): RunRow {
  return {
    id: r.id,
    experimentId: r.experiment_id,
    experiment: r.experiment,
    configHash: r.config_hash,
    name: r.name,
    seed: r.seed,
    engineVersion: r.engine_version,
    point: JSON.parse(r.point_json) as Record<string, unknown>,
    replication: r.replication,
    status: r.status,
    error: r.error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    wallMs: r.wall_ms,
    simTimeNs: r.sim_time_ns,
    events: r.events,
    tags: JSON.parse(r.tags_json) as string[],
  };
}


/**
 * Fault injection for the crash-safety test: with VIOMMU_LAB_FAULT set to the point's name, the
 * process announces it on stderr and stalls there (inside the write transaction) until killed.
 */
function faultPoint(name: string): void {
  if (process.env.VIOMMU_LAB_FAULT !== name) return;
  if (name === 'fill-disk-before-finish') {
    fillDisk(process.env.VIOMMU_LAB_FAULT_FILL ?? '');
    return;
  }
  process.stderr.write(`VIOMMU_LAB_FAULT: stalled at ${name}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
}

/** Fault injection for the full-disk test: fills the file system of `file` until it refuses more. */
function fillDisk(file: string): void {
  if (file === '') throw new Error('VIOMMU_LAB_FAULT_FILL names no file to fill the disk with');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let n = 0;
  try {
    for (;;) writeFileSync(file, chunk, { flag: n++ === 0 ? 'w' : 'a' });
  } catch {
    // ENOSPC: the disk is full, as wanted. Smaller writes take the last few blocks.
    try {
      for (;;) writeFileSync(file, Buffer.alloc(512, 1), { flag: 'a' });
    } catch {
      process.stderr.write('VIOMMU_LAB_FAULT: disk filled\n');
    }
  }
}
