import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { csvField } from './csv';
import { runsCsv } from './runs-csv';
import { LabStore } from '../store/store';

test('text cells a spreadsheet would evaluate are neutralised; numbers stay numbers', () => {
  for (const s of ['=1+1', '+1', '-2+3', '@SUM(A1)', '\tx', '\r=x']) assert.ok(csvField(s).replace(/^"/, '').startsWith("'"), s);
  assert.equal(csvField(-2.5), '-2.5');
  assert.equal(csvField(1e-9), '1e-9');
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
});

test('the runs CSV carries tags and neutralises formulas in names and tags', () => {
  const store = LabStore.open(join(mkdtempSync(join(tmpdir(), 'viommu-csv-')), 'lab.sqlite'));
  const exp = store.ensureExperiment('=cmd|calc');
  const id = store.beginRun({ experimentId: exp, configHash: 'h', name: '@evil', spec: {}, profile: {}, seed: 1, engineVersion: 't', point: { g: -4 }, replication: 0 });
  store.finishRun(id, { engineVersion: 't', seed: 1, simTimeNs: 1, events: 1, scalars: { 'dma.bytes': -3 }, histograms: {}, series: {}, notes: [] }, 1);
  store.db.prepare(`UPDATE runs SET tags_json = ? WHERE id = ?`).run(JSON.stringify(['=HYPERLINK("x")', 'baseline']), id);
  const rows = parse(runsCsv(store), { columns: true }) as Record<string, string>[];
  store.close();
  assert.equal(rows[0]!.tags, `'=HYPERLINK("x");baseline`);
  assert.equal(rows[0]!.experiment, "'=cmd|calc");
  assert.equal(rows[0]!.name, "'@evil");
  assert.equal(rows[0]!['param.g'], '-4');
  assert.equal(rows[0]!['dma.bytes'], '-3');
});
