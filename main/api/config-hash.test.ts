import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../common/result';
import { SpecError } from '../common/spec';
import { parseSpec } from '../engine/catalog';
import { prepareRun } from './runner';

const baseline = JSON.parse(readFileSync(new URL('../../resources/examples/baseline.json', import.meta.url), 'utf8'));

test('canonical JSON keeps a "__proto__" key as data, so configurations differing only there differ', () => {
  const a = JSON.parse('{"x": {"y": 1}}');
  const b = JSON.parse('{"x": {"y": 1, "__proto__": {"z": 2}}}');
  assert.notEqual(canonicalJson(a), canonicalJson(b));
  assert.equal(canonicalJson(b), '{"x":{"__proto__":{"z":2},"y":1}}');
});

test('a spec with a "__proto__" field anywhere is refused with its JSON path instead of hashing like one without it', () => {
  const plain = prepareRun(baseline);
  const tricked = JSON.parse(JSON.stringify(baseline).replace('"point":{', '"point":{"__proto__":{"granule":8192},').replace(/^\{/, '{"point":{"__proto__":{"g":1}},'));
  assert.throws(() => prepareRun(tricked), (e: Error) => e instanceof SpecError && /point\.__proto__: a field may not be named "__proto__"/.test(e.message));
  assert.ok(plain.configHash.length === 64);
});

test('nesting 10,000 levels deep is one message, not a stack overflow', () => {
  const deep = JSON.parse('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000));
  assert.throws(() => parseSpec({ ...baseline, description: undefined, point: deep }), (e: Error) => e instanceof SpecError && /nested more than 32 levels deep/.test(e.message));
});
