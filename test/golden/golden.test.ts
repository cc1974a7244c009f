// Golden results: every example gives the result recorded in results.json, byte for byte (as a
// SHA-256 of its canonical JSON), and the worker pool the app uses gives the same bytes as a run
// in this process. A change meant to alter results updates results.json with
// `npm run golden:update` and says why in its commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../../main/common/result';
import { runSimulation } from '../../main/engine/run';
import { WorkerPool } from '../../main/api/engine/pool';
import { exampleRuns } from './examples';

const recorded = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8')) as Record<string, string>;
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

test('every example reproduces its recorded result byte for byte', async () => {
  const runs = await exampleRuns();
  assert.deepEqual([...runs.keys()].sort(), Object.keys(recorded).sort(), 'examples and recorded results list the same runs (npm run golden:update)');
  const changed: string[] = [];
  for (const [key, run] of runs) {
    if (sha(canonicalJson(runSimulation(run.spec, run.profile))) !== recorded[key]) changed.push(key);
  }
  assert.deepEqual(changed, [], `results changed for ${changed.join(', ')} (if intended: npm run golden:update)`);
});

test('a run in the worker pool gives the same bytes as the same run in this process', async () => {
  const runs = await exampleRuns();
  const picks = ['baseline.json#0', 'spapr-nic-windows.json#1', 'smmuv3-broadcast.json#0'].map((k) => runs.get(k)!);
  const pool = new WorkerPool({ size: picks.length });
  try {
    const outcomes = await Promise.all(picks.map((r) => pool.run(r.spec, r.profile, () => {}).outcome));
    outcomes.forEach((o, i) => {
      assert.equal(o.status, 'done');
      if (o.status !== 'done') return;
      assert.equal(canonicalJson(o.result), canonicalJson(runSimulation(picks[i]!.spec, picks[i]!.profile)));
    });
  } finally {
    await pool.close();
  }
});
