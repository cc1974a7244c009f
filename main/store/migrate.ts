/**
 * The migration runner: refuses a database written by a newer version, applies pending
 * migrations in one transaction (all or nothing), and records the version in user_version.
 */
import type Database from 'better-sqlite3';
import { StoreVersionError } from '../common/errors';
import { migrations as all } from './migrations';
import type { Migration } from './migrations/types';

export function latestVersion(migrations: readonly Migration[] = all): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

export function migrate(db: Database.Database, migrations: readonly Migration[] = all): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion(migrations);
  if (current > latest) {
    throw new StoreVersionError(`this database has schema version ${current}, newer than this vIOMMU Lab understands (${latest}); use a newer vIOMMU Lab`);
  }
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length > 0) {
    db.transaction(() => {
      for (const m of pending) db.exec(m.up);
      db.pragma(`user_version = ${latest}`);
    }).immediate();
  }
  return { from: current, to: latest };
}
