import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main';
import type { CliIO } from './io';
import { specJson } from '../../test/support/fake-executor';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false };
  return { code: await main(argv, io), out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'viommu-budget-cli-'));
const db = join(dir, 'lab.sqlite');
const sweep = join(dir, 'sweep.json');
writeFileSync(sweep, JSON.stringify([specJson('a'), { ...specJson('long'), duration: '200ms' }, specJson('b')]));

test('run --max-events: the run past its budget is stored as budget-exceeded with the figure and the flag; the sweep goes on', async () => {
  const r = await cli('run', sweep, '--db', db, '--max-events', '100000', '--json');
  assert.equal(r.code, 1, 'not every run finished');
  const runs = JSON.parse(r.out).runs as { status: string; error: string | null }[];
  assert.deepEqual(runs.map((x) => x.status), ['done', 'budget-exceeded', 'done']);
  assert.match(runs[1]!.error!, /^budget exceeded: the event budget of 100000 events was reached \(\d+ events\); raise it with --max-events$/);
  assert.match(r.err, /run #\d+ budget-exceeded: budget exceeded/);
  assert.match(r.err, /stored 2 of 3 runs/);
  const listed = await cli('runs', '--db', db, '--status', 'budget-exceeded', '--json');
  assert.equal(listed.code, 0, listed.err);
  assert.equal(JSON.parse(listed.out).length, 1);
});

test('run --max-memory and --max-wall take units; a bad value is one sentence and exit 2', async () => {
  const mem = await cli('run', sweep, '--db', db, '--max-memory', '1MiB', '--json');
  assert.deepEqual(JSON.parse(mem.out).runs.map((x: { status: string }) => x.status), ['done', 'budget-exceeded', 'done']);
  assert.match(JSON.parse(mem.out).runs[1].error, /memory budget of 1\.00 MiB .*--max-memory/);
  const wall = await cli('run', sweep, '--db', db, '--max-wall', '1ms', '--json');
  assert.match(JSON.parse(wall.out).runs[1].error, /wall-time budget .*--max-wall/);
  for (const bad of [['--max-events', '0'], ['--max-events', 'lots'], ['--max-memory', '8 apples'], ['--max-wall=-5']]) {
    const r = await cli('run', sweep, '--db', db, ...bad);
    assert.equal(r.code, 2, `${bad.join(' ')}: ${r.err}`);
    assert.match(r.err, new RegExp(`^viommu-lab: ${bad[0]!.replace(/=.*/, '')} `));
    assert.equal(r.err.trim().split('\n').length, 1);
  }
});
