/**
 * Store errors as one sentence each (shared by the store, the API and the CLI, hence in common): which file, what happened, what to do. Every SQLite or file
 * system error that leaves the store goes through describeStoreError, so no caller ever shows a
 * user a stack trace or a bare "SQLITE_CORRUPT".
 */

export class StoreError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly code?: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'StoreError';
  }
}

const ADVICE: Record<string, string> = {
  SQLITE_BUSY: 'another vIOMMU Lab process holds the database lock; wait for it to finish or stop it, then try again (VIOMMU_LAB_LOCK_TIMEOUT_MS sets how long to wait)',
  SQLITE_LOCKED: 'the database is locked by another connection; wait for it to finish, then try again',
  SQLITE_CORRUPT: 'the database file is damaged; run `viommu-lab db check` to see where, and restore a backup or recover it with `sqlite3 FILE .recover`',
  SQLITE_NOTADB: 'the file is not a vIOMMU Lab database (not SQLite, or damaged in its header); point --db at the right file or restore a backup',
  SQLITE_FULL: 'the disk is full; free some space and try again',
  SQLITE_READONLY: 'the database is read-only here; list and export still work, runs need a writable copy',
  SQLITE_CANTOPEN: 'the file cannot be opened; check that its folder exists and is readable',
  SQLITE_IOERR: 'the disk reported an I/O error; check the disk and free space, then try again',
  SQLITE_PERM: 'permission denied; check the file and folder permissions',
  ENOSPC: 'the disk is full; free some space and try again',
  EACCES: 'permission denied; check the file and folder permissions',
  EROFS: 'the file system is read-only',
};

function family(code: string): string {
  const base = code.replace(/^(SQLITE_[A-Z]+)_.*/, '$1');
  return ADVICE[base] !== undefined ? base : code;
}

/** One sentence for any error raised while using the database at `file`. */
export function describeStoreError(file: string, e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const raw = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string') {
    const advice = ADVICE[family(code)];
    if (advice !== undefined) return new StoreError(file, `${raw.replace(/\s+/g, ' ').trim()}: ${advice}`, code);
  }
  return new StoreError(file, `${raw.replace(/\s+/g, ' ').trim()} (the database may be damaged: run \`viommu-lab db check\`)`, typeof code === 'string' ? code : undefined);
}

export function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const isBusy = (e: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test(sqliteCode(e) ?? '');
export const isFull = (e: unknown): boolean => /^SQLITE_FULL/.test(sqliteCode(e) ?? '') || sqliteCode(e) === 'ENOSPC' || /^SQLITE_IOERR/.test(sqliteCode(e) ?? '');
export const isReadOnly = (e: unknown): boolean => /^SQLITE_(READONLY|CANTOPEN|PERM)/.test(sqliteCode(e) ?? '') || sqliteCode(e) === 'EROFS' || sqliteCode(e) === 'EACCES';

/** A finished result the database could not take: kept in a spill file and imported on the next open. */
export class ResultSpilledError extends StoreError {
  constructor(
    file: string,
    readonly spillFile: string,
    reason: string,
  ) {
    super(file, `the finished result could not be stored (${reason}); it is kept in ${spillFile} and will be imported the next time the database is opened`);
    this.name = 'ResultSpilledError';
  }
}
