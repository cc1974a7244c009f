/**
 * The migration runner: refuses a database written by a newer version, applies pending
 * migrations in one exclusive transaction (all or nothing), and records the version in
 * user_version.
 *
 * The version is read inside the write transaction, so processes opening a fresh database at the
 * same time cannot both apply migration 1. A user_version that disagrees with the schema
 * (rolled back by a restored header, set negative by hand) is not trusted: the applied version is
 * read off the schema itself — the tables and indexes each migration creates — and recorded.
 */
import type Database from 'better-sqlite3';
import { StoreVersionError } from '../common/errors';
import { migrations as all } from './migrations';
import type { Migration } from './migrations/types';

export function latestVersion(migrations: readonly Migration[] = all): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

/** Names of the tables and indexes a migration creates (its fingerprint in sqlite_master). */
export function createdObjects(m: Migration): string[] {
  if (m.objects !== undefined) return [...m.objects];
  const names: string[] = [];
  for (const match of m.up.matchAll(/CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\s+(?:IF\s+NOT\s+EXISTS\s+)?["`]?(\w+)/gi)) names.push(match[1]!);
  return names;
}

/**
 * The highest version whose migrations (and all before it) have created their objects. A
 * migration that created only part of its objects means the schema was edited by hand.
 */
export function schemaVersion(db: Database.Database, migrations: readonly Migration[] = all): number {
  const present = new Set((db.prepare(`SELECT name FROM sqlite_master`).all() as { name: string }[]).map((r) => r.name));
  let version = 0;
  for (const m of migrations) {
    const objects = createdObjects(m);
    const found = objects.filter((o) => present.has(o)).length;
    if (objects.length > 0 && found === objects.length && version === m.version - 1) version = m.version;
    else if (found > 0 && found < objects.length) {
      throw new StoreVersionError(`the schema is neither version ${m.version - 1} nor ${m.version} (migration ${m.name} is half there: ${objects.filter((o) => !present.has(o)).join(', ')} missing); restore a backup`);
    }
  }
  return version;
}

export function migrate(db: Database.Database, migrations: readonly Migration[] = all): { from: number; to: number; repaired?: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = latestVersion(migrations);
  const readVersion = (): number => db.pragma('user_version', { simple: true }) as number;
  const refuseNewer = (v: number): void => {
    if (v > latest) throw new StoreVersionError(`this database has schema version ${v}, newer than this vIOMMU Lab understands (${latest}); use a newer vIOMMU Lab`);
  };
  // Fast path without a write lock: an up-to-date database (the common open) takes no lock at all.
  const seen = readVersion();
  refuseNewer(seen);
  if (seen === latest && schemaVersion(db, migrations) === latest) return { from: seen, to: latest };
  // A table rebuild needs foreign keys off, which SQLite only changes outside a transaction.
  const fkOff = migrations.some((m) => m.foreignKeysOff === true) && (db.pragma('foreign_keys', { simple: true }) as number) === 1;
  if (fkOff) db.pragma('foreign_keys = OFF');
  try {
    return apply();
  } finally {
    if (fkOff) db.pragma('foreign_keys = ON');
  }

  function apply(): { from: number; to: number; repaired?: number } {
    return db
      .transaction(() => {
        const recorded = readVersion();
        refuseNewer(recorded);
        const actual = schemaVersion(db, migrations);
        const pending = migrations.filter((m) => m.version > actual);
        for (const m of pending) {
          db.exec(m.up);
          if (m.foreignKeysOff === true) {
            const broken = db.pragma('foreign_key_check') as unknown[];
            if (broken.length > 0) throw new Error(`migration ${m.name} left ${broken.length} rows whose references are broken`);
          }
        }
        if (recorded !== latest || pending.length > 0) db.pragma(`user_version = ${latest}`);
        return recorded === actual ? { from: actual, to: latest } : { from: actual, to: latest, repaired: recorded };
      })
      .immediate();
  }
}
