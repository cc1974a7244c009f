import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNotebook, NotebookError } from './schema';
import { cellStatuses, dependantsOf, inputKeys } from './stale';

const nb = () =>
  parseNotebook({
    title: 't',
    cells: [
      { id: 'md', type: 'markdown', source: '# hi' },
      { id: 'exp', type: 'experiment', file: 'a.json', source: '{}' },
      { id: 'chart', type: 'chart', input: 'exp', kind: 'bar', metric: 'm' },
      { id: 'table', type: 'table', input: 'exp', metrics: ['m'] },
      { id: 'exp2', type: 'experiment', file: 'b.json', source: '{}' },
      { id: 'text', type: 'text', input: 'exp2', source: '{{m}}' },
    ],
  });

test('editing an experiment cell makes it and the cells reading it stale, and nothing else', () => {
  const a = nb();
  const keys = inputKeys(a);
  a.state = Object.fromEntries(a.cells.map((c, i) => [c.id, { inputKey: keys.get(c.id)!, executionCount: i + 1 }]));
  assert.deepEqual([...cellStatuses(a).values()], ['fresh', 'fresh', 'fresh', 'fresh', 'fresh', 'fresh']);
  const edited = { ...a, cells: a.cells.map((c) => (c.id === 'exp' ? { ...c, source: '{"duration":"1ms"}' } : c)) };
  assert.deepEqual(Object.fromEntries(cellStatuses(edited)), { md: 'fresh', exp: 'stale', chart: 'stale', table: 'stale', exp2: 'fresh', text: 'fresh' });
  assert.deepEqual(dependantsOf(a, 'exp'), ['chart', 'table']);
  // A chart's own edit makes only that chart stale.
  const chartEdit = { ...a, cells: a.cells.map((c) => (c.id === 'chart' ? { ...c, log: true } : c)) };
  assert.deepEqual([...cellStatuses(chartEdit).entries()].filter(([, s]) => s !== 'fresh').map(([k]) => k), ['chart']);
  // A recorded error keeps a cell stale.
  a.state.exp = { ...a.state.exp!, error: 'boom' };
  assert.equal(cellStatuses(a).get('exp'), 'stale');
});

test('a cell may read only an experiment cell above it; ids are unique', () => {
  assert.throws(() => parseNotebook({ title: 't', cells: [{ id: 'c', type: 'chart', input: 'e', kind: 'bar', metric: 'm' }, { id: 'e', type: 'experiment', file: 'a.json', source: '' }] }), (e: Error) => e instanceof NotebookError && /cells\[0\]\.input: "e" is not an experiment cell above/.test(e.message));
  assert.throws(() => parseNotebook({ title: 't', cells: [{ id: 'x', type: 'markdown', source: '' }, { id: 'x', type: 'markdown', source: '' }] }), /duplicate cell id "x"/);
  assert.throws(() => parseNotebook({ title: 't', cells: [{ id: 'm', type: 'markdown', source: '' }, { id: 't', type: 'table', input: 'm', metrics: ['a'] }] }), /"m" is a markdown cell, not an experiment cell/);
});
