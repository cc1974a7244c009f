import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSyntaxError, JsonSyntaxError, locatePath, parseJsonSource, splitPath } from './json-source';

const text = `{
  "name": "x",
  "devices": [
    { "id": "a" },
    { "id": "b", "workload": { "kind": "nic", "bitrate": "1Gbps" } }
  ]
}`;

test('locatePath finds the key of a nested field', () => {
  assert.deepEqual(locatePath(text, splitPath('devices[1].workload.bitrate')), { line: 5, column: 47 });
  assert.deepEqual(locatePath(text, splitPath('name')), { line: 2, column: 3 });
});

test('locatePath falls back to the deepest existing ancestor', () => {
  assert.deepEqual(locatePath(text, splitPath('devices[1].missing')), { line: 5, column: 5 });
  assert.deepEqual(locatePath(text, splitPath('devices[7]')), { line: 3, column: 3 });
  assert.deepEqual(locatePath(text, []), { line: 1, column: 1 });
});

test('syntax errors carry line and column', () => {
  assert.throws(
    () => parseJsonSource('{\n  "a": 1,\n  "b": }'),
    (e: unknown) => e instanceof JsonSyntaxError && e.position.line === 3 && e.position.column === 8,
  );
});

test('splitPath handles indexes and keys', () => {
  assert.deepEqual(splitPath('a.b[2].c'), ['a', 'b', 2, 'c']);
  assert.deepEqual(splitPath('[0].vms[1]'), [0, 'vms', 1]);
});

test('findSyntaxError points at the first offending character', () => {
  const cases: [string, number, RegExp][] = [
    ['{"a": 1,}', 8, /trailing comma/],
    ['{"a" 1}', 5, /expected ':'/],
    ['[1 2]', 3, /expected ','/],
    ['{"a": tru}', 6, /where a value was expected/],
    ['{"a": "x', 8, /unterminated string/],
    ['{} x', 3, /after the end/],
    ["{'a': 1}", 1, /double quotes/],
  ];
  for (const [text, offset, msg] of cases) {
    const e = findSyntaxError(text);
    assert.ok(e, text);
    assert.equal(e.offset, offset, text);
    assert.match(e.message, msg, text);
  }
  assert.equal(findSyntaxError('{"a": [1, 2.5e3, true, null, "\\u00e9"]}'), null);
});

test('syntax errors are placed at their line and column (the CLI reports the same positions)', () => {
  const at = (t: string) => {
    try {
      parseJsonSource(t);
      return null;
    } catch (e) {
      assert.ok(e instanceof JsonSyntaxError);
      return [e.position.line, e.position.column, e.message] as const;
    }
  };
  assert.equal(at('{"a": [1, 2]}'), null);
  assert.deepEqual(at('{\n  "vms": [,]\n}')?.slice(0, 2), [2, 11]);
  assert.deepEqual(at('{"a": 1,}')?.slice(0, 2), [1, 9]);
  assert.deepEqual(at('{"a": tru}')?.slice(0, 2), [1, 7]);
  assert.match(at('{"a": "x')![2], /unterminated string/);
  assert.match(at('[1] 2')![2], /after the end/);
  assert.match(at('')![2], /end of input/);
});
