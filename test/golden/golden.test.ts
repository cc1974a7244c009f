// Golden results: every example gives the result recorded in results.json, byte for byte (as a
// SHA-256 of its canonical JSON), and the worker pool the app uses gives the same bytes as a run
// in this process. A change meant to alter results updates results.json with
// `npm run golden:update` and says why in its commit. The same pass asserts that no example gives a
// NaN or infinite metric (scalar, histogram or series value; issue 10): the collector refuses them,
// so such a run would throw, and the check below names what a result would carry if it did not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../../main/common/result';
import { runSimulation } from '../../main/engine/run';
import { WorkerPool } from '../../main/api/engine/pool';
import { exampleRuns } from './examples';

const recorded = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8')) as Record<string, string>;
/** Every NaN or ±Infinity in a result (scalars, histograms, series), by path. */
function nonFiniteNumbers(v: unknown, at: string, out: string[] = []): string[] {
  if (typeof v === 'number' && !Number.isFinite(v)) out.push(`${at} = ${v}`);
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) nonFiniteNumbers(x, `${at}.${k}`, out);
  return out;
}

test('the finiteness check finds a NaN, an Infinity and a non-finite series value', () => {
  assert.deepEqual(nonFiniteNumbers({ scalars: { a: 1, b: NaN }, series: { s: { mean: [1, null, -Infinity] } } }, 'r'), ['r.scalars.b = NaN', 'r.series.s.mean.2 = -Infinity']);
});

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

test('every example reproduces its recorded result byte for byte', async () => {
  const runs = await exampleRuns();
  assert.deepEqual([...runs.keys()].sort(), Object.keys(recorded).sort(), 'examples and recorded results list the same runs (npm run golden:update)');
  const changed: string[] = [];
  const nonFinite: string[] = [];
  for (const [key, run] of runs) {
    let result;
    try {
      result = runSimulation(run.spec, run.profile);
    } catch (e) {
      nonFinite.push(`${key}: ${(e as Error).message}`);
      continue;
    }
    nonFinite.push(...nonFiniteNumbers(result, key));
    if (sha(canonicalJson(result)) !== recorded[key]) changed.push(key);
  }
  assert.deepEqual(nonFinite, [], 'every example runs and every metric is a finite number');
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
