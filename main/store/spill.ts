/**
 * Spill files: a finished run's result that the database could not take (disk full, lock held
 * too long, I/O error) is written as JSON next to the database — or, when that folder cannot
 * take it either, under the system temp folder, in a folder named after the database's path —
 * and imported the next time the database is opened for writing. A simulation's result is never
 * lost to a storage failure.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { makeDirs } from './make-dirs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunResult } from '../common/result';

export interface Spill {
  version: 1;
  db: string;
  runId: number;
  configHash: string;
  wallMs: number;
  result: RunResult;
}

export function spillDirs(dbPath: string): string[] {
  const abs = resolve(dbPath);
  const key = createHash('sha256').update(abs).digest('hex').slice(0, 16);
  return [`${abs}.spill`, join(tmpdir(), 'viommu-lab-spill', key)];
}

/** Writes the spill to the first folder that takes it; returns its path, or throws if none could. */
export function writeSpill(dbPath: string, spill: Omit<Spill, 'version' | 'db'>): string {
  const body = JSON.stringify({ version: 1, db: resolve(dbPath), ...spill } satisfies Spill);
  const errors: string[] = [];
  for (const dir of spillDirs(dbPath)) {
    const file = join(dir, `run-${spill.runId}-${spill.configHash.slice(0, 12)}.json`);
    try {
      makeDirs(dir);
      writeFileSync(`${file}.tmp`, body);
      renameSync(`${file}.tmp`, file);
      return file;
    } catch (e) {
      rmSync(`${file}.tmp`, { force: true });
      errors.push(`${dir}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no folder could keep the result (${errors.join('; ')})`);
}

export interface PendingSpill {
  file: string;
  spill: Spill;
}

/** Spills waiting for this database, oldest run first. Unreadable files are reported, not deleted. */
export function pendingSpills(dbPath: string): { pending: PendingSpill[]; unreadable: string[] } {
  const pending: PendingSpill[] = [];
  const unreadable: string[] = [];
  for (const dir of spillDirs(dbPath)) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    } catch {
      continue;
    }
    for (const name of names) {
      const file = join(dir, name);
      try {
        const spill = JSON.parse(readFileSync(file, 'utf8')) as Spill;
        if (spill.version !== 1 || spill.db !== resolve(dbPath) || typeof spill.runId !== 'number') throw new Error('not a spill of this database');
        pending.push({ file, spill });
      } catch {
        unreadable.push(file);
      }
    }
  }
  pending.sort((a, b) => a.spill.runId - b.spill.runId);
  return { pending, unreadable };
}

export function removeSpill(file: string): void {
  rmSync(file, { force: true });
}
