import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locateJsonError } from './json-error';

test('locates the first JSON error by line and column', () => {
  assert.equal(locateJsonError('{"a": [1, 2]}'), null);
  assert.deepEqual(locateJsonError('{\n  "vms": [,]\n}'), { line: 2, column: 11, message: 'unexpected ",", expected a value' });
  assert.deepEqual(locateJsonError('{"a": 1,}'), { line: 1, column: 9, message: 'unexpected "}", expected a "quoted" key' });
  assert.equal(locateJsonError('{"a": tru}')!.column, 7);
  assert.match(locateJsonError('{"a": "x')!.message, /unterminated string/);
  assert.match(locateJsonError('[1] 2')!.message, /after the end/);
  assert.match(locateJsonError('')!.message, /end of input/);
});
