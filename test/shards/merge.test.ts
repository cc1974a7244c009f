// A sweep split into 4 shards and merged is the same sweep run in one piece; merging a shard
// twice changes nothing; a conflicting twin or another engine version is refused and OUT stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';
import { dumpRuns } from './dump';

const root = new URL('../../', import.meta.url).pathname;
const script = join(root, 'resources/examples/baseline.ts');
const dir = mkdtempSync(join(tmpdir(), 'viommu-shards-'));

const whole = join(dir, 'whole.sqlite');
const shard = (k: number): string => join(dir, `shard-${k}.sqlite`);
const merged = join(dir, 'merged.sqlite');

test('4 shards merged give exactly the runs and result hashes of the sweep run in one piece', async () => {
  assert.equal((await cli('run', script, '--db', whole, '--set', 'duration=1ms', '--timeout', '20000')).code, 0);
  const sizes: number[] = [];
  for (let k = 1; k <= 4; k++) {
    const r = await cli('run', script, '--db', shard(k), '--set', 'duration=1ms', '--shard', `${k}/4`, '--timeout', '20000');
    assert.equal(r.code, 0, r.err);
    sizes.push(dumpRuns(shard(k)).length);
  }
  assert.deepEqual(sizes, [3, 3, 3, 3], 'disjoint, balanced slices of the 12 runs');
  const m = await cli('merge', merged, shard(1), shard(2), shard(3), shard(4));
  assert.equal(m.code, 0, m.err);
  assert.match(m.err, /12 runs copied, 0 identical/);
  const a = dumpRuns(whole);
  assert.equal(a.length, 12);
  assert.deepEqual(dumpRuns(merged), a);
});

test('merging a shard twice changes nothing', async () => {
  const before = dumpRuns(merged);
  const again = await cli('merge', merged, shard(2));
  assert.equal(again.code, 0, again.err);
  assert.match(again.err, /0 runs copied, 3 identical twins kept once/);
  assert.deepEqual(dumpRuns(merged), before);
});

test('a conflicting twin is refused with a clear message and OUT is unchanged', async () => {
  const bad = join(dir, 'conflict.sqlite');
  copyFileSync(shard(3), bad);
  const db = new Database(bad);
  db.prepare(`UPDATE scalars SET value = value + 1 WHERE name = 'dma.bytes'`).run();
  db.close();
  const fresh = join(dir, 'fresh.sqlite');
  assert.equal((await cli('merge', fresh, shard(1), shard(3))).code, 0);
  const before = dumpRuns(fresh);
  const r = await cli('merge', fresh, shard(2), bad);
  assert.equal(r.code, 1);
  assert.match(r.err, /^viommu-lab: .*conflict\.sqlite: run #\d+ \(experiment ".*", configuration [0-9a-f]{12}\) has a different result than run #\d+ already in the merged store; the merge is refused and nothing was changed\n$/);
  assert.deepEqual(dumpRuns(fresh), before, 'shard 2 was not merged either: all or nothing');
});

test('a shard from another engine version is refused unless asked', async () => {
  const other = join(dir, 'other-engine.sqlite');
  copyFileSync(shard(4), other);
  const db = new Database(other);
  db.prepare(`UPDATE runs SET engine_version = '0.0.9'`).run();
  db.close();
  const out = join(dir, 'engine.sqlite');
  const refused = await cli('merge', out, other);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /recorded by engine version 0\.0\.9, not .*; merge refused \(--allow-engine-version accepts it\)/);
  assert.equal(dumpRuns(out).length, 0);
  const allowed = await cli('merge', out, other, '--allow-engine-version');
  assert.equal(allowed.code, 0, allowed.err);
  assert.equal(dumpRuns(out).length, 3);
});

test('--shard must be K/N with 1 ≤ K ≤ N', async () => {
  for (const bad of ['0/4', '5/4', 'x', '1/0']) {
    const r = await cli('run', script, '--db', join(dir, 'bad.sqlite'), '--shard', bad);
    assert.equal(r.code, 2, bad);
    assert.match(r.err, /--shard /);
  }
});
