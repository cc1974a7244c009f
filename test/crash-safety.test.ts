// A run killed with SIGKILL in the middle of writing its results must leave a database that
// passes integrity_check, keeps every earlier run, and shows the killed run as interrupted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabStore } from '../main/store/store';

const root = new URL('../', import.meta.url).pathname;
const bin = join(root, 'bin/viommu-lab.cjs');
const spec = join(root, 'resources/examples/baseline.json');

test('SIGKILL mid-write leaves an intact database with earlier runs kept and the killed run interrupted', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'viommu-crash-')), 'lab.sqlite');
  const first = spawnSync(process.execPath, [bin, 'run', spec, '--db', db, '--set', 'duration=1ms'], { encoding: 'utf8' });
  assert.equal(first.status, 0, first.stderr);

  const child = spawn(process.execPath, [bin, 'run', spec, '--db', db, '--set', 'duration=1ms', '--seed', '9'], {
    env: { ...process.env, VIOMMU_LAB_FAULT: 'stall-in-write' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`child never reached the write: ${err}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('VIOMMU_LAB_FAULT: stalled')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;

  const store = LabStore.open(db);
  try {
    assert.equal(store.integrityCheck(), 'ok');
    const runs = store.listRuns();
    assert.equal(runs.length, 2);
    assert.equal(runs[0]!.status, 'done');
    assert.ok(store.getResult(runs[0]!.id)!.scalars['dma.bytes']! > 0, 'the earlier run keeps its results');
    assert.equal(runs[1]!.status, 'interrupted');
    assert.equal(store.scalars([runs[1]!.id]).get(runs[1]!.id)!['dma.bytes'], undefined, 'no half-written results');
  } finally {
    store.close();
  }
});
