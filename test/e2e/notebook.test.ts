/**
 * Notebooks end to end, in Debian's Chromium through the browser host: build a notebook from
 * scratch (markdown, experiment, chart, table), run all, edit the experiment and see it and its
 * dependants go stale, re-run (the result hashes reproduce), export the report as HTML and PDF,
 * reload and find notebook, view and layout as they were; and the shipped seed-000 notebook
 * imported and exported from the workbench gives the same PDF pages as the CLI's export.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { main } from '../../main/cli/main';
import { ARTIFACTS, CHROMIUM, ROOT, startLab, type Lab } from './harness';

// Under CI a missing Chromium is a failure, never a skip.
const skip = CHROMIUM === undefined && process.env.CI !== 'true' ? 'Chromium is not installed (apt-get install -y chromium)' : false;

const cellStatus = (page: Page, id: string) => page.locator(`[data-cell="${id}"]`).getAttribute('data-status');

async function waitStatuses(page: Page, want: Record<string, string>): Promise<void> {
  await page.waitForFunction(
    (w) => Object.entries(w).every(([id, s]) => document.querySelector(`[data-cell="${id}"]`)?.getAttribute('data-status') === s),
    want,
    { timeout: 60_000 },
  );
}

async function idle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('[data-view=notebook]')?.getAttribute('data-busy') !== 'true' && document.querySelector('[data-view=notebook]')?.getAttribute('data-dirty') !== 'true', null, { timeout: 120_000 });
}

async function download(page: Page, button: string, dir: string): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click(button)]);
  const path = join(dir, d.suggestedFilename());
  await d.saveAs(path);
  return path;
}

describe('notebooks in the workbench', { skip }, () => {
  let lab: Lab;
  let page: Page;
  let out: string;

  before(async () => {
    lab = await startLab();
    page = lab.page;
    out = mkdtempSync(join(tmpdir(), 'viommu-nb-e2e-'));
  });
  after(async () => {
    await lab?.close();
    rmSync(out, { recursive: true, force: true });
  });

  test('build a notebook from scratch, run all, edit → stale, re-run, export HTML and PDF, reload', async () => {
    await page.click('[data-test=tab-notebook]');
    await page.click('[data-test=nb-new]');
    await page.fill('[data-test=dialog-input]', 'first notebook');
    await page.click('[data-test=dialog-ok]');
    await page.waitForSelector('[data-cell="markdown-1"]');
    for (const t of ['experiment', 'chart', 'table']) {
      await page.click(`[data-test=nb-add-${t}]`);
      await page.waitForSelector(`[data-cell="${t}-1"]`);
    }
    await page.fill('[data-test=nb-title]', 'Map-bench threads');
    await idle(page);
    await waitStatuses(page, { 'markdown-1': 'never-run', 'experiment-1': 'never-run', 'chart-1': 'never-run', 'table-1': 'never-run' });

    await page.click('[data-test=nb-run-all]');
    await waitStatuses(page, { 'markdown-1': 'fresh', 'experiment-1': 'fresh', 'chart-1': 'fresh', 'table-1': 'fresh' });
    await idle(page);
    const counts = await page.locator('[data-test=cell] .nb-count').allTextContents();
    assert.deepEqual(counts, ['[1]', '[2]', '[3]', '[4]'], 'execution order top to bottom');
    const bar = page.locator('[data-cell="chart-1"] svg.lab-chart');
    assert.equal(await bar.getAttribute('data-kind'), 'bar');
    assert.equal(await bar.getAttribute('data-bars'), '2', 'one bar per thread count');
    assert.equal(await bar.getAttribute('data-whiskers'), '2', 'two replications each: a CI whisker per bar');
    assert.equal(await page.locator('[data-cell="table-1"] table.metric-table tbody tr').count(), 2);
    assert.match((await page.locator('[data-cell="table-1"] table.metric-table').textContent()) ?? '', /N=2/);

    // Edit the experiment: it and the chart and table reading it go stale; the markdown does not.
    await page.click('[data-cell="experiment-1"] .monaco-editor .view-lines');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n// edited: the same configurations');
    await waitStatuses(page, { 'markdown-1': 'fresh', 'experiment-1': 'stale', 'chart-1': 'stale', 'table-1': 'stale' });
    await idle(page);
    await lab.shot('e2e-nb-01-stale-after-edit');

    await page.click('[data-test=nb-run-all]');
    await waitStatuses(page, { 'markdown-1': 'fresh', 'experiment-1': 'fresh', 'chart-1': 'fresh', 'table-1': 'fresh' });
    await idle(page);
    assert.equal(await page.locator('[data-cell="experiment-1"] [data-test=cell-output]').getAttribute('data-reproduced'), 're-run on engine 0.1.0: all 4 result hashes reproduced');
    assert.deepEqual(await page.locator('[data-test=cell] .nb-count').allTextContents(), ['[5]', '[6]', '[7]', '[8]']);
    await lab.shot('e2e-nb-02-notebook');

    const chartSvgFile = readFileSync(await download(page, '[data-cell="chart-1"] [data-test=chart-svg]', out), 'utf8');
    assert.match(chartSvgFile, /<svg [^>]*data-kind="bar"/);
    assert.equal(readFileSync(await download(page, '[data-cell="chart-1"] [data-test=chart-png]', out)).subarray(1, 4).toString(), 'PNG');
    const html = await download(page, '[data-test=nb-export-html]', out);
    const doc = readFileSync(html, 'utf8');
    assert.match(doc, /<h1>Map-bench threads<\/h1>/);
    assert.equal((doc.match(/<svg /g) ?? []).length, 1);
    assert.doesNotMatch(doc, /<script/);
    const pdf = await download(page, '[data-test=nb-export-pdf]', out);
    assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
    assert.match(execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8' }), /Map-bench threads[\s\S]*Appendix: provenance/);

    // Layout: widen the sidebar by dragging its splitter, then reload.
    const splitter = (await page.locator('.splitter-v').boundingBox())!;
    await page.mouse.move(splitter.x + 2, splitter.y + 200);
    await page.mouse.down();
    await page.mouse.move(splitter.x + 62, splitter.y + 200, { steps: 4 });
    await page.mouse.up();
    const width = await page.locator('.sidebar').evaluate((e) => (e as HTMLElement).offsetWidth);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    assert.equal(await page.locator('[data-test=tab-notebook]').getAttribute('aria-selected'), 'true', 'the notebook view is open again');
    assert.equal(await page.locator('[data-test=nb-title]').inputValue(), 'Map-bench threads');
    assert.equal(await page.locator('[data-test=cell]').count(), 4);
    assert.equal(await cellStatus(page, 'table-1'), 'fresh');
    assert.equal(await page.locator('[data-cell="chart-1"] svg.lab-chart').getAttribute('data-bars'), '2');
    assert.equal(await page.locator('.sidebar').evaluate((e) => (e as HTMLElement).offsetWidth), width, 'the sidebar keeps its width');
    await lab.shot('e2e-nb-03-after-reload');
  });

  test('the shipped seed-000 notebook exported from the workbench gives the same PDF pages as the CLI', async () => {
    await page.click('[data-test=tab-notebook]');
    await page.setInputFiles('[data-test=nb-import-file]', join(ROOT, 'resources/notebooks/seed-000.json'));
    await page.waitForSelector('[data-cell="sweep"]');
    await idle(page);
    assert.equal(await cellStatus(page, 'sweep'), 'never-run');
    await page.click('[data-test=nb-run-all]');
    await waitStatuses(page, { intro: 'fresh', sweep: 'fresh', 'setup-bars': 'fresh', numbers: 'fresh', answer: 'fresh' });
    await idle(page);
    await page.locator('[data-cell="setup-bars"]').scrollIntoViewIfNeeded();
    await lab.shot('e2e-nb-04-seed-000');
    const appPdf = await download(page, '[data-test=nb-export-pdf]', out);

    const db = join(out, 'cli.sqlite');
    const cliPdf = join(out, 'cli-seed-000.pdf');
    const io = { out: () => {}, err: () => {}, isTTY: false };
    assert.equal(await main(['export', 'pdf', join(ROOT, 'resources/notebooks/seed-000.json'), '--db', db, '-o', cliPdf], io), 0);
    const pages = (file: string, prefix: string): Buffer[] => {
      execFileSync('pdftoppm', ['-r', '50', '-png', file, join(out, prefix)]);
      return readdirSync(out).filter((f) => f.startsWith(prefix) && f.endsWith('.png')).sort().map((f) => readFileSync(join(out, f)));
    };
    const a = pages(appPdf, 'app-page');
    const b = pages(cliPdf, 'cli-page');
    assert.ok(a.length >= 3, `${a.length} pages`);
    assert.equal(a.length, b.length, 'as many pages');
    a.forEach((p, i) => assert.ok(p.equals(b[i]!), `page ${i + 1} is the same picture`));
    // The report's first page, for the record.
    execFileSync('pdftoppm', ['-r', '80', '-png', '-f', '1', '-l', '1', '-singlefile', appPdf, join(ARTIFACTS, 'e2e-nb-05-report-page-1')]);
  });
});
