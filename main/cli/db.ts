/** Opens the store named by --db (or the default), reporting lock waits on stderr; open errors are one sentence. */
import { LabStore } from '../store/store';
import { defaultDbPath } from '../store/paths';
import { StoreVersionError } from '../common/errors';
import { describeStoreError, sqliteCode, StoreError } from '../common/store-errors';
import { CliError } from './errors';
import { processIO, type CliIO } from './io';

export function openStore(dbOption: string | undefined, io: CliIO = processIO): LabStore {
  const path = dbOption ?? defaultDbPath();
  let lastReport = -Infinity;
  const onWait = (waitedMs: number): void => {
    if (waitedMs - lastReport < 5000) return;
    lastReport = waitedMs;
    io.err(`viommu-lab: waiting for ${path}: another process holds the database lock (${Math.round(waitedMs / 1000)} s so far)\n`);
  };
  try {
    const store = LabStore.open(path, { onWait });
    if (store.importedSpills > 0) io.err(`viommu-lab: imported ${store.importedSpills} result${store.importedSpills > 1 ? 's' : ''} that an earlier run could not store\n`);
    if (store.readOnly) io.err(`viommu-lab: ${path} is read-only here: listing and export only\n`);
    return store;
  } catch (e) {
    if (e instanceof StoreVersionError) throw new CliError(`${path}: ${e.message}`);
    if (e instanceof StoreError) throw new CliError(e.message);
    throw new CliError(`cannot open database ${path}: ${(e as Error).message}`);
  }
}

/** Runs a command's work on an open store: SQLite errors from reads (a damaged page) become one sentence. */
export function withStore<T>(store: LabStore, work: (store: LabStore) => T): T {
  try {
    return work(store);
  } catch (e) {
    if (sqliteCode(e)?.startsWith('SQLITE_')) throw new CliError(describeStoreError(store.path, e).message);
    throw e;
  } finally {
    store.close();
  }
}
