import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBlock, expandPoints, type SweepBlock } from './sweep';

const none = new Map();

test('a grid varies its first parameter slowest', () => {
  const pts = expandPoints([{ kind: 'grid', axes: { a: [1, 2], b: ['x', 'y'] } }], [], none, new Set());
  assert.deepEqual(pts, [{ a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 2, b: 'x' }, { a: 2, b: 'y' }]);
});

test('zip pairs values; blocks combine as a product', () => {
  const blocks: SweepBlock[] = [
    { kind: 'zip', axes: { a: [1, 2], b: [10, 20] } },
    { kind: 'grid', axes: { c: [true, false] } },
  ];
  const pts = expandPoints(blocks, [], none, new Set());
  assert.deepEqual(pts, [{ a: 1, b: 10, c: true }, { a: 1, b: 10, c: false }, { a: 2, b: 20, c: true }, { a: 2, b: 20, c: false }]);
});

test('filters drop points; sets collapse axes and are reported as used', () => {
  const used = new Set<string>();
  const blocks: SweepBlock[] = [{ kind: 'grid', axes: { a: [1, 2, 3], b: [1, 2] } }, { kind: 'zip', axes: { z: [5, 6], w: [7, 8] } }];
  const pts = expandPoints(blocks, [(p) => p.a !== 2], new Map<string, number>([['b', 9], ['z', 5], ['other', 1]]), used);
  assert.deepEqual(pts, [{ a: 1, b: 9, z: 5, w: 7 }, { a: 3, b: 9, z: 5, w: 7 }]);
  assert.deepEqual([...used].sort(), ['b', 'z']);
});

test('a zip set to a value no row has replaces it in every row, keeping one of equal rows', () => {
  const pts = expandPoints([{ kind: 'zip', axes: { a: [1, 2] } }], [], new Map([['a', 4]]), new Set());
  assert.deepEqual(pts, [{ a: 4 }]);
});

test('bad blocks are refused when declared', () => {
  assert.throws(() => checkBlock({ kind: 'zip', axes: { a: [1, 2], b: [1] } }, new Set()), /"b" has 1 values but "a" has 2/);
  assert.throws(() => checkBlock({ kind: 'grid', axes: { a: [] } }, new Set()), /non-empty array/);
  assert.throws(() => checkBlock({ kind: 'grid', axes: { a: [1] } }, new Set(['a'])), /declared twice/);
  assert.throws(() => checkBlock({ kind: 'grid', axes: {} }, new Set()), /at least one parameter/);
  assert.throws(() => checkBlock({ kind: 'grid', axes: { a: [{}] as never } }, new Set()), /numbers, strings or booleans/);
});
