// A database on a read-only file system can be listed and exported; a run is refused in one
// sentence, and nothing is written next to the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { assertNoStackTrace, baseline, cliSync, mountTmpfs, remount, skipOrFail, unmount } from './support';

test('read-only database: runs and export work, run says it is read-only', (t) => {
  const m = mountTmpfs('16m');
  if ('skip' in m) return skipOrFail(t, m.skip);
  try {
    const db = join(m.dir, 'lab.sqlite');
    assert.equal(cliSync(['run', baseline, '--db', db, '--set', 'duration=1ms']).code, 0);
    assert.equal(cliSync(['run', baseline, '--db', db, '--set', 'duration=1ms', '--seed', '2']).code, 0);
    remount(m.dir, 'ro');
    const before = readdirSync(m.dir).sort();
    const runs = cliSync(['runs', '--db', db]);
    assertNoStackTrace(runs);
    assert.equal(runs.code, 0, runs.err);
    assert.equal(runs.out.trim().split('\n').length, 4, runs.out);
    const csv = cliSync(['export', 'csv', '--db', db]);
    assert.equal(csv.code, 0, csv.err);
    assert.equal((parse(csv.out, { columns: true }) as unknown[]).length, 2);
    const run = cliSync(['run', baseline, '--db', db, '--set', 'duration=1ms', '--seed', '3']);
    assertNoStackTrace(run);
    assert.equal(run.code, 1);
    assert.match(run.err, /^viommu-lab: .*lab\.sqlite: the database is open read-only/m);
    assert.deepEqual(readdirSync(m.dir).sort(), before);
  } finally {
    unmount(m.dir);
  }
});
