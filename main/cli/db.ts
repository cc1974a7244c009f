/** Opens the store named by --db (or the default), turning open errors into one clear sentence. */
import { LabStore } from '../store/store';
import { defaultDbPath } from '../store/paths';
import { StoreVersionError } from '../common/errors';
import { CliError } from './errors';

export function openStore(dbOption: string | undefined): LabStore {
  const path = dbOption ?? defaultDbPath();
  try {
    return LabStore.open(path);
  } catch (e) {
    if (e instanceof StoreVersionError) throw new CliError(`${path}: ${e.message}`);
    throw new CliError(`cannot open database ${path}: ${(e as Error).message}`);
  }
}
