/**
 * Provenance and profiles in sight, and export from the workbench: a 28-configuration sweep
 * (every bar label drawn, colour by a parameter with a legend), a run's provenance panel (hashes,
 * spec, script, resolved profile with the override marked), CSV and JSON of the selected runs,
 * the profile browser, and metric units and meanings next to the chart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { CHROMIUM, ROOT, startLab, type Lab } from './harness';

const skip = CHROMIUM === undefined && process.env.CI !== 'true' ? 'Chromium is not installed (apt-get install -y chromium)' : false;
const EXPERIMENT = 'twenty-eight configurations';

function sweep28(): string {
  const base = JSON.parse(readFileSync(join(ROOT, 'resources/examples/baseline.json'), 'utf8'));
  const specs = [];
  for (let i = 0; i < 28; i++) {
    const mode = i % 2 === 0 ? 'strict' : 'lazy';
    const spec = structuredClone(base);
    spec.name = EXPERIMENT;
    spec.duration = '200us';
    spec.point = { rate: 1 + Math.floor(i / 2), mode };
    spec.devices[1].workload.bitrate = `${1 + Math.floor(i / 2)}Gbps`;
    if (i === 0) spec.profile.overrides = { 'vmexit.mmio_user_ns': 7214 };
    specs.push(spec);
  }
  return JSON.stringify(specs, null, 2);
}

async function download(page: Page, button: string, dir: string): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(button)]);
  const path = join(dir, d.suggestedFilename());
  await d.saveAs(path);
  return path;
}

describe('provenance, profiles and export in the workbench', { skip }, () => {
  let lab: Lab;
  let page: Page;
  let out: string;

  before(async () => {
    lab = await startLab();
    page = lab.page;
    out = mkdtempSync(join(tmpdir(), 'viommu-prov-e2e-'));
    const r = await lab.service.start({ file: 'sweep28.json', source: sweep28() });
    assert.ok(r.ok, JSON.stringify(r.diagnostics));
    for (let v = 0; ; ) {
      const w = await lab.service.watch({ after: v, waitMs: 10_000 });
      v = w.version;
      if (w.jobs.every((j) => j.state !== 'running')) break;
    }
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => {
    await lab?.close();
    rmSync(out, { recursive: true, force: true });
  });

  test('28 configurations: every bar label drawn, one colour per value of the first parameter, with a legend', async () => {
    await page.click('[data-test=tab-runs]');
    await page.selectOption('[data-test=runs-experiment]', EXPERIMENT);
    await page.waitForFunction(() => document.querySelector('[data-test=runs-count]')?.textContent === '28 of 28 runs');
    await page.check('[data-test=select-all]');
    await page.click('[data-test=compare-selected]');
    await page.selectOption('[data-test=chart-kind]', 'bar');
    await page.selectOption('[data-test=chart-metric]', 'dma.throughput_gbps');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-test=chart]')?.dataset.kind === 'bar');
    assert.equal(await page.getAttribute('[data-test=chart]', 'data-ticks'), '28', 'no label skipped');
    assert.equal(await page.getAttribute('[data-test=chart]', 'data-legend'), '2', 'a legend entry per mode');
    assert.match((await page.textContent('[data-test=metric-doc]')) ?? '', /^dma\.throughput_gbps \(Gbit\/s\): /);
    await lab.shot('e2e-prov-01-compare-28-configurations');
    // The chart as files: SVG drawn by the reports' renderer, PNG from the canvas.
    const svg = readFileSync(await download(page, '[data-test=chart-svg]', out), 'utf8');
    assert.match(svg, /^<\?xml[\s\S]*<svg [^>]*data-kind="bar"[^>]*data-bars="28"/);
    assert.equal((svg.match(/class="bar-label"/g) ?? []).length, 28);
    const png = readFileSync(await download(page, '[data-test=chart-png]', out));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    // The 28-column metric table is wider than the window: it scrolls sideways instead of being cut off.
    const scrolled = await page.locator('[data-test=metric-table]').evaluate((el) => {
      el.scrollLeft = 10_000;
      return { left: el.scrollLeft, wide: el.scrollWidth > el.clientWidth, right: el.getBoundingClientRect().right };
    });
    assert.ok(scrolled.wide && scrolled.left > 0, JSON.stringify(scrolled));
    assert.ok(scrolled.right <= 1440, 'the table box ends inside the window');
  });

  test('a run\'s provenance panel shows its hashes, spec, script and resolved profile with the override marked', async () => {
    await page.click('[data-test=tab-runs]');
    const first = lab.store.listRuns({ experiment: EXPERIMENT }).find((r) => r.point.rate === 1 && r.point.mode === 'strict')!;
    await page.uncheck('[data-test=select-all]');
    await page.check(`[data-test=runs-table] tr[data-id="${first.id}"] input[type=checkbox]`);
    await page.click('[data-test=details-selected]');
    await page.waitForSelector('[data-test=run-details]');
    assert.equal(await page.textContent('[data-test=fact-configuration-hash]'), first.configHash);
    assert.match((await page.textContent('[data-test=fact-result-hash]')) ?? '', /^[0-9a-f]{64}$/);
    assert.equal(await page.textContent('[data-test=fact-engine-version]'), first.engineVersion);
    const override = page.locator('[data-test=details-profile] tr[data-override=true]');
    assert.equal(await override.count(), 1);
    assert.match((await override.textContent()) ?? '', /vmexit\.mmio_user_ns7214ns.*override/);
    assert.match((await page.textContent('[data-test=details-source]')) ?? '', /"name": "twenty-eight configurations"/);
    await lab.shot('e2e-prov-02-run-provenance');
    await page.click('[data-test=details-close]');
  });

  test('Diff takes A and B in the order clicked, and a failed lookup clears the old diff', async () => {
    await page.click('[data-test=tab-runs]');
    await page.uncheck('[data-test=select-all]');
    const runs = lab.store.listRuns({ experiment: EXPERIMENT });
    const older = runs[2]!.id;
    const newer = runs[5]!.id;
    // The table lists newest first: click the lower (older) row first, then the upper one.
    await page.click(`[data-test=runs-table] tr[data-id="${older}"] td:nth-child(3)`);
    await page.click(`[data-test=runs-table] tr[data-id="${newer}"] td:nth-child(3)`, { modifiers: ['Control'] });
    await page.click('[data-test=diff-selected]');
    await page.waitForSelector('[data-test=diff-table] table');
    assert.equal(await page.inputValue('[data-test=diff-a]'), String(older));
    assert.equal(await page.inputValue('[data-test=diff-b]'), String(newer));
    assert.match((await page.textContent('[data-test=diff-table] thead')) ?? '', new RegExp(`A · #${older} .*B · #${newer} `));
    await page.fill('[data-test=diff-a]', '99999');
    await page.click('[data-test=diff-go]');
    await page.waitForSelector('[data-test=diff-error]');
    assert.equal(await page.locator('[data-test=diff-table] table').count(), 0, 'the old diff is gone');
    await page.keyboard.press('Escape');
  });

  test('the parameter filter takes names as typed; an unknown one says so instead of giving 0 runs', async () => {
    await page.click('[data-test=tab-runs]');
    await page.fill('[data-test=runs-param]', 'Rate=3');
    await page.waitForFunction(() => document.querySelector('[data-test=runs-count]')?.textContent === '2 of 2 runs');
    await page.fill('[data-test=runs-param]', 'threads=2');
    await page.waitForFunction(() => /no sweep parameter "threads"; these runs have: mode, rate/.test(document.querySelector('[data-test=runs-param-error]')?.textContent ?? ''));
    await page.fill('[data-test=runs-param]', '');
    await page.waitForFunction(() => document.querySelector('[data-test=runs-count]')?.textContent === '28 of 28 runs');
  });

  test('CSV and JSON of the selected runs, through the API', async () => {
    await page.click('[data-test=tab-runs]');
    await page.check('[data-test=select-all]');
    const csv = parse(readFileSync(await download(page, '[data-test=export-csv]', out), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(csv.length, 28);
    assert.ok(csv.every((r) => r.experiment === EXPERIMENT && r['param.mode'] !== undefined && Number.isFinite(Number(r['dma.throughput_gbps']))));
    const json = JSON.parse(readFileSync(await download(page, '[data-test=export-json]', out), 'utf8')) as { result: { histograms: object } }[];
    assert.equal(json.length, 28);
    assert.ok(json.every((r) => r.result && Object.keys(r.result.histograms).length > 0), JSON.stringify(json[0]).slice(0, 300));
  });

  test('"+ TS" starts a TypeScript script that checks, "+ JSON" a JSON spec', async () => {
    await page.click('[data-test=new-ts]');
    await page.waitForFunction(() => document.querySelector('[data-test=doc-title]')?.textContent === 'untitled.ts');
    await page.waitForFunction(() => document.querySelector('[data-test=check-status]')?.textContent === '✓ valid · 4 runs', null, { timeout: 30_000 });
    await page.click('[data-test=new-json]');
    await page.waitForFunction(() => document.querySelector('[data-test=doc-title]')?.textContent === 'untitled.json');
  });

  test('the status bar says the workbench\'s script time limit and the CLI\'s', async () => {
    assert.equal(await page.textContent('[data-test=script-limit]'), 'script limit 10 s here · CLI 0.5 s (--timeout)');
  });

  test('the profile browser lists every cost parameter with its unit, meaning and source', async () => {
    await page.click('[data-test=tab-profiles]');
    await page.waitForSelector('[data-test=profile-table] tbody tr');
    await page.selectOption('[data-test=profile-picker]', 'power9-kvm');
    const total = await page.locator('[data-test=profile-table] tbody tr').count();
    assert.ok(total > 20, `${total} parameters`);
    const cells = await page.locator('[data-test=profile-table] tbody tr').first().locator('td').allTextContents();
    assert.equal(cells.length, 6);
    assert.ok(cells.every((c) => c.trim() !== ''), JSON.stringify(cells));
    await page.fill('[data-test=profile-filter]', 'tce');
    await page.waitForFunction((n) => document.querySelectorAll('[data-test=profile-table] tbody tr').length < n, total);
    assert.match((await page.textContent('[data-test=profile-info]')) ?? '', /power9-kvm: .* chain base → power9-kvm/);
    await lab.shot('e2e-prov-03-profile-browser');
  });
});
