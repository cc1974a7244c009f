/**
 * The database check behind `viommu-lab db check`: PRAGMA integrity_check on a private copy of
 * the file and its WAL, so checking never writes next to a file that may be damaged or read-only.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { snapshotCopy } from './snapshot';

export type CheckVerdict = { ok: true; runs: number } | { ok: false; problems: string[] };

export function checkDatabase(path: string): CheckVerdict {
  let dir: string | undefined;
  let db: Database.Database | undefined;
  try {
    const snap = snapshotCopy(path, 'viommu-lab-check-');
    dir = snap.dir;
    db = new Database(snap.copy);
    const rows = (db.pragma('integrity_check(1000)') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (rows.length === 1 && rows[0] === 'ok') {
      const runs = (db.prepare(`SELECT count(*) AS n FROM runs`).get() as { n: number }).n;
      return { ok: true, runs };
    }
    return { ok: false, problems: rows };
  } catch (e) {
    return { ok: false, problems: [`${(e as { code?: string }).code ?? 'error'}: ${(e as Error).message}`] };
  } finally {
    db?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}
