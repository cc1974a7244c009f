import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runsListBench } from './runs-list';

test('the runs-list benchmark runs and reports one row per measurement (small store)', async () => {
  const rows = await runsListBench(400);
  assert.equal(rows.length, 7);
  for (const r of rows) {
    assert.equal(r.unit, 'ms');
    assert.ok(Number.isFinite(r.value) && r.value >= 0, r.name);
  }
});
