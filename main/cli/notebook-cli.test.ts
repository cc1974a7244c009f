import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtNumber } from '../common/report/format';
import { LabStore } from '../store/store';
import { cli } from '../../test/support/cli';
import { findStoredNotebook, notebookService } from './notebook-session';

const root = new URL('../../', import.meta.url).pathname;
const SEED = join(root, 'resources/notebooks/seed-000.json');
const dir = mkdtempSync(join(tmpdir(), 'viommu-nbcli-'));

test('notebook run executes every cell top to bottom and writes the notebook back with its runs', async () => {
  const db = join(dir, 'run.sqlite');
  const out = join(dir, 'seed-000.out.json');
  const r = await cli('notebook', 'run', SEED, '--db', db, '-o', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /\[2\]\s+sweep\s+experiment fresh\s+spapr boot: clearing the default window: 10 runs/);
  assert.match(r.out, /\[5\]\s+numbers\s+table\s+fresh\s+table: 10 configurations × 4 metrics/);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).runs.length, 10);
  const again = await cli('notebook', 'run', out, '--db', db);
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /10 of 10 result hashes reproduced on engine/);
  const bad = await cli('notebook', 'run', join(root, 'resources/examples/baseline.json'), '--db', db);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /baseline\.json: not a vIOMMU Lab notebook/);
});

test('export pdf of the shipped seed-000 notebook: real text holding every table value, no Electron needed', async () => {
  const db = join(dir, 'pdf.sqlite');
  const pdf = join(dir, 'seed-000.pdf');
  const r = await cli('export', 'pdf', SEED, '--db', db, '-o', pdf);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /running 7 cells without current results/);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  const text = execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8' });
  const store = LabStore.open(db);
  const service = notebookService(store);
  try {
    const view = await service.getNotebook({ id: findStoredNotebook(store, 'seed-000') });
    const tables = view.cells.filter((c) => c.output.type === 'table');
    assert.ok(tables.length > 0);
    let checked = 0;
    for (const c of tables) {
      if (c.output.type !== 'table') continue;
      for (const m of c.output.compare.metrics) {
        for (const s of m.stats) {
          if (s === null) continue;
          assert.ok(text.includes(fmtNumber(s.mean)), `${m.name}: ${fmtNumber(s.mean)} is in the PDF's text`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 30, `${checked} values checked`);
    for (const t of ['Seed 000: what clearing the default TCE', 'Appendix: provenance', 'Cost profile P1: power9-kvm', 'The answer']) assert.ok(text.includes(t), t);
    const pages = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    assert.match(pages, /Page size:\s+59\d\.\d+ x 84\d\.\d+ pts \(A4\)/);
  } finally {
    await service.close();
    store.close();
  }
  const html = join(dir, 'seed-000.html');
  const h = await cli('export', 'html', '--notebook', 'seed-000', '--db', db, '-o', html);
  assert.equal(h.code, 0, h.err);
  const doc = readFileSync(html, 'utf8');
  assert.match(doc, /^<!DOCTYPE html>/);
  assert.doesNotMatch(doc, /<script|<link|src=|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'self-contained: nothing to fetch');
  assert.equal((doc.match(/<svg /g) ?? []).length, 2);
  const none = await cli('export', 'pdf', '--notebook', 'nope', '--db', db);
  assert.equal(none.code, 1);
  assert.match(none.err, /no notebook "nope" in .*; stored: seed-000/);
});
