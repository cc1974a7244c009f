// A full disk when a finished result is written: the result goes to a spill file, the CLI says
// where in one sentence, and the next open imports it — the very result, not a re-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../main/common/result';
import { LabStore } from '../../main/store/store';
import { assertNoStackTrace, baseline, cliSync, mountTmpfs, skipOrFail, tempDir, unmount } from './support';

test('full disk: the finished result is spilled, reported, and imported on the next open', (t) => {
  const m = mountTmpfs('4m');
  if ('skip' in m) return skipOrFail(t, m.skip);
  const spillTmp = tempDir('viommu-spilltmp-');
  const env = { TMPDIR: spillTmp };
  try {
    const db = join(m.dir, 'lab.sqlite');
    assert.equal(cliSync(['run', baseline, '--db', db, '--set', 'duration=1ms'], env).code, 0);
    const filler = join(m.dir, 'filler');
    const r = cliSync(['run', baseline, '--db', db, '--set', 'duration=2ms', '--seed', '7', '--json'], { ...env, VIOMMU_LAB_FAULT: 'fill-disk-before-finish', VIOMMU_LAB_FAULT_FILL: filler });
    assertNoStackTrace(r);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /the finished result could not be stored \(the disk is full or failing\); it is kept in \S+\.json and will be imported the next time/);
    rmSync(filler);
    const runs = cliSync(['runs', '--db', db], env);
    assert.equal(runs.code, 0, runs.err);
    assert.match(runs.err, /imported 1 result that an earlier run could not store/);
    const store = LabStore.open(db);
    const all = store.listRuns();
    assert.deepEqual(all.map((x) => x.status), ['done', 'done']);
    // The same spec run again elsewhere gives the bytes the spilled run had.
    const again = cliSync(['run', baseline, '--db', join(tempDir('viommu-ref-'), 'ref.sqlite'), '--set', 'duration=2ms', '--seed', '7', '--json']);
    const ref = JSON.parse(again.out);
    const refResult = 'runs' in ref ? ref.runs[0].result : ref;
    assert.equal(canonicalJson(store.getResult(all[1]!.id)!.scalars), canonicalJson(refResult.scalars));
    store.close();
  } finally {
    unmount(m.dir);
    rmSync(spillTmp, { recursive: true, force: true });
  }
});
