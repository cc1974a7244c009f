import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobPercent } from './progress';

test('a cancelled job does not show a full bar: cancelled and skipped runs are not progress', () => {
  assert.equal(jobPercent({ done: 0, failed: 0, cancelled: 2, skipped: 48, total: 50, running: [] }), 0);
  assert.equal(jobPercent({ done: 1, failed: 0, cancelled: 1, skipped: 0, total: 4, running: [] }), 25);
  assert.equal(jobPercent({ done: 4, failed: 0, cancelled: 0, skipped: 0, total: 4, running: [] }), 100);
});
