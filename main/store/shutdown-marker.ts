/**
 * Clean-shutdown markers: each process that opens a database for writing leaves a file named by
 * its pid in `<db>.open/` and removes it on close. A marker whose process is gone means that
 * process stopped without closing the database (killed, crashed, power loss): the next writer
 * runs `PRAGMA quick_check` before trusting the file.
 */
import { readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { makeDirs } from './make-dirs';
import { join } from 'node:path';

export function markerDir(dbPath: string): string {
  return `${dbPath}.open`;
}

export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the markers of processes that are gone; returns true if there was any (an unclean shutdown). */
export function takeStaleMarkers(dbPath: string): boolean {
  let names: string[];
  try {
    names = readdirSync(markerDir(dbPath));
  } catch {
    return false;
  }
  let stale = false;
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || processAlive(pid)) continue;
    stale = true;
    removeFile(join(markerDir(dbPath), name));
  }
  return stale;
}

export function placeMarker(dbPath: string): void {
  try {
    makeDirs(markerDir(dbPath));
    writeFileSync(join(markerDir(dbPath), String(process.pid)), '');
  } catch {
    // A full disk or a read-only folder costs only the check after a crash, not the open.
  }
}

export function removeMarker(dbPath: string): void {
  removeFile(join(markerDir(dbPath), String(process.pid)));
  try {
    // rmdir removes only an empty folder: a marker another writer placed since is kept.
    if (readdirSync(markerDir(dbPath)).length === 0) rmdirSync(markerDir(dbPath));
  } catch {
    // Nothing to clean, or another writer's marker arrived meanwhile.
  }
}

/**
 * Removes a marker file if it is there: unlink, as rmSync({ force }) does for a file, without the
 * recursive remover rmSync loads at its first call (~1 ms of every CLI command that writes).
 */
function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
