import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceMap } from './source-map';

test('decodes VLQ mappings and finds the segment at or before a column', () => {
  // Line 1: col 0 → src 0:0, col 4 → src 2:2 ; line 2: col 2 → src 3:0.
  const map = new SourceMap(JSON.stringify({ version: 3, sources: ['a.ts'], mappings: 'AAAA,IAEE;EACF' }));
  assert.deepEqual(map.original({ line: 1, column: 1 }), { line: 1, column: 1 });
  assert.deepEqual(map.original({ line: 1, column: 4 }), { line: 1, column: 1 });
  assert.deepEqual(map.original({ line: 1, column: 9 }), { line: 3, column: 3 });
  assert.deepEqual(map.original({ line: 2, column: 1 }), { line: 4, column: 1 });
  assert.equal(map.original({ line: 5, column: 1 }), undefined);
});
