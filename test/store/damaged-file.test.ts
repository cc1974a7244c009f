// A flipped byte in the middle of the file, an unclean shutdown, and a rolled-back or negative
// user_version: each ends in one sentence or a working store, never a stack trace or a lost run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, writeSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { latestVersion } from '../../main/store/migrate';
import { LabStore } from '../../main/store/store';
import { StoreError } from '../../main/common/store-errors';
import { assertNoStackTrace, baseline, cliSync, root, tempDir } from './support';

/** A store with n finished runs of a few hundred scalars each (several pages of b-tree), checkpointed. */
function storeWithRuns(n: number): string {
  const db = join(tempDir('viommu-dmg-'), 'lab.sqlite');
  const store = LabStore.open(db);
  const exp = store.ensureExperiment('dmg');
  for (let i = 0; i < n; i++) {
    const id = store.beginRun({ experimentId: exp, configHash: `h${i}`, name: 'r', spec: {}, profile: {}, seed: i, engineVersion: 't', point: {}, replication: 0 });
    const scalars: Record<string, number> = {};
    for (let k = 0; k < 300; k++) scalars[`metric.number_${k}`] = k * (i + 1);
    store.finishRun(id, { engineVersion: 't', seed: i, simTimeNs: 1, events: 1, scalars, histograms: {}, series: {}, notes: [] }, 1);
  }
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  return db;
}

/** Flips every bit of one byte in the header of the b-tree page nearest the middle of the file. */
function flipMidPage(db: string): number {
  const fd = openSync(db, 'r+');
  try {
    const size = fstatSync(fd).size;
    const pageSize = 4096;
    const pages = size / pageSize;
    const b = Buffer.alloc(1);
    for (let d = 0; d < pages; d++) {
      for (const p of [Math.floor(pages / 2) + d, Math.floor(pages / 2) - d]) {
        if (p < 1 || p >= pages) continue;
        readSync(fd, b, 0, 1, p * pageSize);
        if ([0x02, 0x05, 0x0a, 0x0d].includes(b[0]!)) {
          // The cell count (bytes 3-4 of a b-tree page header): a damaged page SQLite must notice.
          writeSync(fd, Buffer.from([0xff, 0xff]), 0, 2, p * pageSize + 3);
          return p;
        }
      }
    }
    throw new Error('no b-tree page found');
  } finally {
    closeSync(fd);
  }
}

test('a damaged page mid-file: db check says so in one verdict; list, run and export give one sentence', () => {
  const db = storeWithRuns(6);
  assert.match(cliSync(['db', 'check', '--db', db]).out, /: ok \(integrity_check passed; 6 runs\)/);
  flipMidPage(db);
  const check = cliSync(['db', 'check', '--db', db]);
  assertNoStackTrace(check);
  assert.equal(check.code, 1);
  assert.match(check.out, /: damaged: /);
  assert.match(check.err, /restore a backup, or recover/);
  for (const args of [['runs'], ['export', 'csv'], ['run', baseline, '--set', 'duration=1ms', '--seed', '99']]) {
    const r = cliSync([...args, '--db', db]);
    assertNoStackTrace(r);
    if (r.code !== 0) assert.match(r.err, /^viommu-lab: .*lab\.sqlite: .*(damaged|db check)/m, `${args.join(' ')}: ${r.err}`);
  }
});

test('after an unclean shutdown the next writer runs quick_check: a damaged file is refused in one sentence', async () => {
  const db = storeWithRuns(4);
  // A process that opens the store and is killed without closing it leaves its marker behind.
  const code = `const { LabStore } = await import(${JSON.stringify(join(root, 'main/store/store.ts'))}); LabStore.open(${JSON.stringify(db)}); process.stdout.write('open\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => child.stdout.on('data', () => r()));
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  flipMidPage(db);
  assert.throws(
    () => LabStore.open(db),
    (e: Error) => e instanceof StoreError && /damaged \(found after an unclean shutdown: .*\); run `viommu-lab db check`/.test(e.message),
  );
});

test('an unclean shutdown of an intact database opens normally after the check', async () => {
  const db = storeWithRuns(1);
  const code = `const { LabStore } = await import(${JSON.stringify(join(root, 'main/store/store.ts'))}); LabStore.open(${JSON.stringify(db)}); process.stdout.write('open\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => child.stdout.on('data', () => r()));
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  const store = LabStore.open(db);
  assert.equal(store.listRuns().length, 1);
  store.close();
});

for (const version of [0, 1, -3]) {
  test(`a user_version rolled back to ${version} is repaired from the schema; runs are kept`, () => {
    const db = storeWithRuns(2);
    const d = new Database(db);
    d.pragma(`user_version = ${version}`);
    d.close();
    const r = cliSync(['runs', '--db', db]);
    assertNoStackTrace(r);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.split('\n').filter((l) => / done /.test(l)).length, 2, r.out);
    const store = LabStore.open(db);
    assert.equal(store.db.pragma('user_version', { simple: true }), latestVersion());
    store.close();
  });
}
