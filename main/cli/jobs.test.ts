/**
 * `run --jobs N`: a sweep on the engine worker pool gives the same bytes as the serial run —
 * the same --json (run ids, order, every result), the same stored results — and the bundled CLI
 * (bin/viommu-lab.cjs) prints what the sources print. Speed is measured by `npm run bench cli`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../test/support/cli';
import { LabStore } from '../store/store';
import { canonicalJson } from '../common/result';

const root = new URL('../../', import.meta.url).pathname;
const sweep = join(root, 'resources/examples/baseline-sweep.json');
const dir = mkdtempSync(join(tmpdir(), 'viommu-jobs-'));

function storedResults(db: string): string[] {
  const store = LabStore.open(db);
  try {
    return store.listRuns({}).map((r) => `${r.id} ${r.status} ${r.configHash} ${canonicalJson(store.getResult(r.id) ?? null)}`);
  } finally {
    store.close();
  }
}

test('a sweep on 2 pool workers prints and stores exactly what the serial run does', async () => {
  const args = ['run', sweep, '--json', '--set', 'duration=500us'];
  const serial = await cli(...args, '--jobs', '1', '--db', join(dir, 'serial.sqlite'));
  const pooled = await cli(...args, '--jobs', '2', '--db', join(dir, 'pooled.sqlite'));
  assert.equal(serial.code, 0, serial.err);
  assert.equal(pooled.code, 0, pooled.err);
  assert.equal(JSON.parse(serial.out).runs.length, 18);
  assert.ok(pooled.out === serial.out, 'the --json output differs between --jobs 1 and --jobs 2');
  assert.deepEqual(storedResults(join(dir, 'pooled.sqlite')), storedResults(join(dir, 'serial.sqlite')));
});

test('--jobs takes a whole number of workers', async () => {
  const r = await cli('run', sweep, '--jobs', '0', '--db', join(dir, 'bad.sqlite'));
  assert.equal(r.code, 2);
  assert.match(r.err, /--jobs 0: expected a whole number of workers/);
});

test('the bundled CLI prints what the sources print', () => {
  const bin = join(root, 'bin/viommu-lab.cjs');
  const args = [bin, 'run', join(root, 'resources/examples/baseline.json'), '--json', '--set', 'duration=200us'];
  const bundled = spawnSync(process.execPath, [...args, '--db', join(dir, 'b.sqlite')], { encoding: 'utf8', env: { ...process.env, VIOMMU_LAB_CLI: '' } });
  const source = spawnSync(process.execPath, [...args, '--db', join(dir, 's.sqlite')], { encoding: 'utf8', env: { ...process.env, VIOMMU_LAB_CLI: 'source' } });
  assert.equal(bundled.status, 0, bundled.stderr);
  assert.equal(source.status, 0, source.stderr);
  assert.ok(bundled.stdout.length > 1000 && bundled.stdout === source.stdout, 'bundled and source CLI outputs differ');
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--jobs N/);
});
