import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from '../../common/api/contract';
import type { NotebookView } from '../../common/api/notebook-types';
import { parseNotebookFile } from '../../common/notebook/schema';
import type { ResolvedProfile } from '../../common/profile/profile';
import type { Spec } from '../../common/spec';
import { LabStore } from '../../store/store';
import { InProcessExecutor } from '../engine/in-process';
import type { TaskProgress } from '../engine/pool';
import { createLabService } from '../service';

const root = new URL('../../../', import.meta.url).pathname;
const SEED = readFileSync(join(root, 'resources/notebooks/seed-000.json'), 'utf8');

class CountingExecutor extends InProcessExecutor {
  runs = 0;
  override run(spec: Spec, profile: ResolvedProfile, onProgress: (p: TaskProgress) => void) {
    this.runs++;
    return super.run(spec, profile, onProgress);
  }
}

function lab() {
  const dir = mkdtempSync(join(tmpdir(), 'viommu-nb-'));
  const store = LabStore.open(join(dir, 'lab.sqlite'));
  const executor = new CountingExecutor();
  const service = createLabService({ store, executor });
  return {
    store,
    executor,
    service,
    async close() {
      await service.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const outputsOf = (v: NotebookView) => v.cells.map((c) => ({ id: c.cell.id, status: c.status, type: c.output.type, output: c.output.type === 'experiment' ? c.output.runs.map((r) => r.resultHash) : c.output }));

test('the shipped seed-000 notebook runs the seed-000 example script verbatim', () => {
  const file = parseNotebookFile(JSON.parse(SEED));
  const cell = file.notebook.cells.find((c) => c.type === 'experiment')!;
  assert.equal(cell.type === 'experiment' && cell.source, readFileSync(join(root, 'resources/examples/spapr-boot-sweep.ts'), 'utf8'));
});

test('a notebook file exported with its runs opens in an empty store with its charts and tables and no re-run; run all reproduces its result hashes', async () => {
  const a = lab();
  const b = lab();
  try {
    const imported = await dispatch(a.service, 'importNotebook', { text: SEED });
    assert.ok(imported.cells.every((c) => c.status === 'never-run'));
    const ran = await dispatch(a.service, 'runNotebook', { id: imported.id });
    assert.equal(a.executor.runs, 10);
    assert.deepEqual(ran.cells.map((c) => c.status), ran.cells.map(() => 'fresh'));
    assert.deepEqual(ran.cells.map((c) => c.state!.executionCount), [1, 2, 3, 4, 5, 6, 7], 'execution order recorded top to bottom');
    const table = ran.cells.find((c) => c.cell.id === 'numbers')!.output;
    assert.equal(table.type, 'table');
    assert.equal(table.type === 'table' && table.compare.groups.length, 10);
    const text = ran.cells.find((c) => c.cell.id === 'answer')!.output;
    assert.match(text.type === 'text' ? text.markdown : '', /DMA setup takes 1\.30e\+10 ns \(N=1\) for a 2 GiB guest/);

    const exported = await dispatch(a.service, 'exportNotebook', { id: ran.id, runs: true });
    const file = parseNotebookFile(JSON.parse(exported.data));
    assert.equal(file.runs.length, 10);

    const opened = await dispatch(b.service, 'importNotebook', { text: exported.data });
    assert.equal(b.executor.runs, 0, 'opening runs nothing');
    assert.deepEqual(outputsOf(opened).map((o) => [o.id, o.type, o.status]), outputsOf(ran).map((o) => [o.id, o.type, o.status]));
    assert.deepEqual(
      opened.cells.filter((c) => c.cell.type !== 'experiment').map((c) => c.output),
      ran.cells.filter((c) => c.cell.type !== 'experiment').map((c) => c.output),
      'charts, tables and quoted values are the same as where it was made',
    );
    const hashes = (v: NotebookView) => v.cells.find((c) => c.cell.id === 'sweep')!.state!.results!;
    assert.deepEqual(hashes(opened), hashes(ran));

    const rerun = await dispatch(b.service, 'runNotebook', { id: opened.id });
    assert.equal(b.executor.runs, 10);
    const sweep = rerun.cells.find((c) => c.cell.id === 'sweep')!;
    assert.deepEqual(sweep.state!.reproduced, { same: 10, of: 10, engineVersion: sweep.state!.reproduced!.engineVersion });
    assert.deepEqual(hashes(rerun), hashes(ran), 'the same result hashes on the other machine');
    assert.deepEqual(rerun.cells.map((c) => c.state!.executionCount), [8, 9, 10, 11, 12, 13, 14]);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a notebook file with a bad field is refused with its path; saving cannot forge a cell\'s state', async () => {
  const a = lab();
  try {
    const bad = JSON.parse(SEED);
    bad.notebook.cells[2].kind = 'pie';
    await assert.rejects(dispatch(a.service, 'importNotebook', { text: JSON.stringify(bad) }), /notebook file: notebook\.cells\[2\]\.kind: Invalid enum value/);
    await assert.rejects(dispatch(a.service, 'importNotebook', { text: '{"cells": []}' }), /not a vIOMMU Lab notebook/);
    const nb = await dispatch(a.service, 'createNotebook', { name: 'n', cells: [{ id: 'm', type: 'markdown', source: 'x' }] });
    await assert.rejects(dispatch(a.service, 'saveNotebook', { id: nb.id, title: 't', question: '', cells: [], state: {} } as never), /unrecognized key/i);
    const saved = await dispatch(a.service, 'saveNotebook', { id: nb.id, title: 't', question: 'q', cells: [{ id: 'm', type: 'markdown', source: 'y' }] });
    assert.equal(saved.cells[0]!.status, 'never-run');
  } finally {
    await a.close();
  }
});
