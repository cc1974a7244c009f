import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { listExamples } from './examples';

const dir = join(new URL('../../', import.meta.url).pathname, 'resources/examples');

test('the gallery lists examples only (no tsconfig.json), and a title is a whole first sentence however the comment wraps it', () => {
  const list = listExamples(dir);
  assert.ok(!list.some((e) => e.file === 'tsconfig.json'), 'tsconfig.json is not an example');
  assert.ok(list.length >= 10);
  for (const e of list.filter((x) => x.language === 'ts')) {
    assert.match(e.title, /\.$|^[^.]*$/, `${e.file}: "${e.title}" ends mid-sentence`);
    assert.doesNotMatch(e.title, /:$/, `${e.file}: "${e.title}" stops at a colon`);
    assert.doesNotMatch(e.title, /\b(of|the|a|and|to|with)$/, `${e.file}: "${e.title}" is cut at a line break`);
  }
  const seed002 = list.find((e) => e.file === 'smmuv3-broadcast.ts');
  assert.ok(seed002 && !seed002.title.endsWith('over all of'), seed002?.title);
});
