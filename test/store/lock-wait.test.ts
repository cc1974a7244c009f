// A writer that holds the database lock for 15 s: the CLI waits with progress and stores its
// run once the lock is free; with a shorter limit it gives up with one sentence and stores nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LabStore } from '../../main/store/store';
import { assertNoStackTrace, baseline, cliAsync, cliSync, root, tempDir } from './support';

/** A child process that opens the database, takes the write lock, says "locked", and holds it. */
function holdLock(db: string, ms: number): Promise<{ released: Promise<void> }> {
  const code = `
    const Database = require(${JSON.stringify(join(root, 'node_modules/better-sqlite3'))});
    const db = new Database(${JSON.stringify(db)});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<void>((r) => child.on('exit', () => r()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve({ released }));
    child.on('error', reject);
  });
}

test('a lock held 15 s by another process: run waits with progress, then stores its result', async () => {
  const db = join(tempDir('viommu-lock-'), 'lab.sqlite');
  assert.equal(cliSync(['run', baseline, '--db', db, '--set', 'duration=1ms']).code, 0);
  const holder = await holdLock(db, 15_000);
  const r = await cliAsync(['run', baseline, '--db', db, '--set', 'duration=1ms', '--seed', '5']);
  await holder.released;
  assertNoStackTrace(r);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /waiting for .*another process holds the database lock \(\d+ s so far\)/);
  const store = LabStore.open(db);
  assert.deepEqual(store.listRuns().map((x) => x.status), ['done', 'done']);
  store.close();
});

test('past the lock limit the CLI stops with one sentence and the database keeps its runs', async () => {
  const db = join(tempDir('viommu-lock-'), 'lab.sqlite');
  assert.equal(cliSync(['run', baseline, '--db', db, '--set', 'duration=1ms']).code, 0);
  const holder = await holdLock(db, 20_000);
  const r = await cliAsync(['run', baseline, '--db', db, '--set', 'duration=1ms', '--seed', '5'], { VIOMMU_LAB_LOCK_TIMEOUT_MS: '1500' });
  await holder.released;
  assertNoStackTrace(r);
  assert.equal(r.code, 1);
  assert.match(r.err, /^viommu-lab: .*lab\.sqlite: another process has held the database lock for \d+ s; stop it or wait/m);
  assert.equal(r.err.trim().split('\n').filter((l) => !/waiting for/.test(l)).length, 1, r.err);
  const store = LabStore.open(db);
  assert.equal(store.listRuns().filter((x) => x.status === 'done').length, 1);
  store.close();
});
