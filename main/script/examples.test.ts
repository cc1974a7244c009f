// Example scripts that restate a JSON example produce exactly its specs (so the two cannot drift):
// the same specs, each byte-identical as canonical JSON after validation (in any order: a script
// may sweep its points in another order than the JSON lists them). Every example script evaluates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourcesDir } from './resources';
import { parseSpec } from '../engine/catalog';
import { canonicalJson } from '../common/result';
import { evaluateScript } from './api';

const dir = join(resourcesDir(), 'examples');
const scripts = readdirSync(dir).filter((f) => f.endsWith('.ts'));

for (const script of scripts) {
  const twin = script.replace(/\.ts$/, '.json');
  const json = join(dir, twin);
  // baseline.ts is a sweep over baseline.json's single topology, not a restatement of it.
  const restates = existsSync(json) && script !== 'baseline.ts';
  test(`${script} evaluates${restates ? ` to the specs of ${twin}` : ''}`, async () => {
    const { specs } = await evaluateScript(readFileSync(join(dir, script), 'utf8'), script, { timeoutMs: 10_000 });
    assert.ok(specs.length > 0);
    if (!restates) return;
    const raw = JSON.parse(readFileSync(json, 'utf8')) as unknown[];
    const expected = (Array.isArray(raw) ? raw : [raw]).map(parseSpec);
    const key = (s: { point: unknown; replication: number }): string => canonicalJson([s.point, s.replication]);
    assert.equal(specs.length, expected.length);
    // Each spec's (point, replication) is unique, so a spec that differs is reported by its point.
    assert.equal(new Set(expected.map(key)).size, expected.length, `${twin}: two specs share a sweep point`);
    const byPoint = new Map(specs.map((s) => [key(s), canonicalJson(s)]));
    for (const e of expected) assert.equal(byPoint.get(key(e)), canonicalJson(e), `${script} at point ${key(e)}`);
  });
}
