/**
 * A private copy of a database file and its WAL in a fresh temp folder, so reading or checking a
 * file never writes next to it (a read-only file system, a damaged file). The caller removes
 * `dir` when done.
 */
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export function snapshotCopy(path: string, prefix: string): { dir: string; copy: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const copy = join(dir, basename(path));
  copyFileSync(path, copy);
  if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
  return { dir, copy };
}
