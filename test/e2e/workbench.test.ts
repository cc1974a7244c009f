/**
 * The workbench end to end, in Debian's Chromium through the browser host: open the app, load
 * an example, see a syntax error as a marker and fix it, run a sweep and watch its progress,
 * cancel one run, compare runs in a chart with error bars, diff two runs, use the UI during a
 * 50-run sweep that runs in the worker pool and is cancelled midway (its latency is measured by
 * `npm run bench`, not asserted). Each test leaves a screenshot in .test-artifacts/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { E2E_SKIP, startLab, type Lab } from './harness';
import { specJson } from '../support/fake-executor';
import { fiftyRunSweep } from '../../bench/ui-responsiveness';


describe('workbench in Chromium', { skip: E2E_SKIP }, () => {
  let lab: Lab;
  let page: Page;
  const SWEEP = 'baseline sweep: NIC rate × packet size';

  before(async () => {
    lab = await startLab();
    page = lab.page;
  });
  after(async () => {
    await lab?.close();
  });

  const status = () => page.locator('[data-test=check-status]');
  const openExample = async (file: string) => {
    await page.click(`[data-test=examples] [data-file="${file}"]`);
    await page.waitForFunction((f) => document.querySelector('[data-test=doc-title]')?.textContent === f, file);
  };

  test('opens the app and loads an example from the gallery', async () => {
    await openExample('baseline-sweep.json');
    await page.waitForFunction(() => document.querySelector('[data-test=check-status]')?.textContent?.startsWith('✓'));
    assert.equal(await status().textContent(), '✓ valid · 18 runs');
    assert.ok(await page.locator('.monaco-editor .view-lines').isVisible());
    await lab.shot('e2e-01-example-loaded');
  });

  test('a syntax error shows as a marker at its line and column, and fixing it clears it', async () => {
    await openExample('baseline.json');
    await page.waitForFunction(() => document.querySelector('[data-test=check-status]')?.textContent?.startsWith('✓'));
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    await page.keyboard.type(' oops');
    await page.waitForSelector('[data-test=problem]');
    const problem = await page.locator('[data-test=problem]').first().textContent();
    assert.match(problem ?? '', /baseline\.json:1:3/);
    assert.match(problem ?? '', /syntax/);
    await page.waitForSelector('.monaco-editor .squiggly-error');
    assert.equal(await page.locator('.monaco-editor .squiggly-error').count(), 1, 'one marker, from the checker (Monaco\'s own JSON validation is off)');
    const markers = await page.evaluate('window.__labEditor.markers()');
    assert.deepEqual((markers as { line: number; column: number }[]).map((m) => [m.line, m.column]), [[1, 3]]);
    await page.keyboard.press('Escape');
    await lab.shot('e2e-02-syntax-error-marker');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Backspace');
    await page.waitForFunction(() => document.querySelector('[data-test=check-status]')?.textContent?.startsWith('✓'));
    assert.equal(await page.locator('[data-test=problem]').count(), 0);
    assert.equal(await page.locator('.monaco-editor .squiggly-error').count(), 0);
  });

  test('a TypeScript script error shows as a marker at its line and column', async () => {
    const ts = (await lab.service.listExamples({})).find((e) => e.file === 'baseline.ts');
    assert.ok(ts !== undefined, 'the examples gallery lists baseline.ts');
    await openExample(ts.file);
    await page.waitForFunction(() => document.querySelector('[data-test=check-status]')?.textContent?.startsWith('✓'), null, { timeout: 20_000 });
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nconst = ;');
    await page.waitForSelector('[data-test=problem]', { timeout: 20_000 });
    const text = (await page.evaluate('window.__labEditor.value()')) as string;
    const markers = (await page.evaluate('window.__labEditor.markers()')) as { line: number; column: number; message: string }[];
    // The broken declaration is the last line; esbuild reports the missing name at column 7.
    assert.deepEqual(markers.map((m) => [m.line, m.column]), [[text.split('\n').length, 7]], JSON.stringify(markers));
    await lab.shot('e2e-03-script-error-marker');
    // The edit is unsaved: the title says so, and opening a document asks before discarding it.
    assert.equal(await page.locator('[data-test=doc-title]').textContent(), `● ${ts.file}`);
    await page.click(`[data-test=examples] [data-file="${ts.file}"]`);
    await page.waitForSelector('[role=dialog][aria-label="Unsaved changes"]');
    await page.click('[data-test=dialog-ok]');
    await page.waitForFunction((f) => document.querySelector('[data-test=doc-title]')?.textContent === f, ts.file);
    await page.waitForFunction(() => document.querySelector('[data-test=check-status]')?.textContent?.startsWith('✓'), null, { timeout: 20_000 });
  });

  test('runs a sweep with live progress, and cancelling one run records it as cancelled', async () => {
    await openExample('baseline-sweep.json');
    await page.waitForFunction(() => document.querySelector('[data-test=check-status]')?.textContent?.startsWith('✓'));
    await page.keyboard.press('Control+Enter');
    const job = page.locator('[data-test=job]').first();
    await page.waitForSelector('[data-test=running-run]');
    await page.waitForFunction(() => /run \d+ of 18 · [\d,]+ events/.test(document.querySelector('[data-test=job-stats]')?.textContent ?? ''));
    // Cancel a run early in its life. The engine looks at the cancel flag every ~65k events, so
    // pick one of the long (1500-byte) runs while it is under 30 % done; retry if it slipped by.
    let cancelled = false;
    for (let attempt = 0; attempt < 100 && !cancelled; attempt++) {
      const target = await page.evaluate(`(() => {
        for (const chip of document.querySelectorAll('[data-test=running-run]')) {
          const width = parseFloat(chip.querySelector('.mini > div').style.width || '0');
          if (chip.textContent.includes('packet_bytes=1500') && width < 30) return chip.dataset.index;
        }
        return null;
      })()`);
      if (target === null) {
        await page.waitForTimeout(50);
        continue;
      }
      await page.click(`[data-test=running-run][data-index="${String(target)}"] [data-test=cancel-run]`, { timeout: 2000 }).catch(() => {});
      cancelled = await page
        .waitForFunction(() => /1 cancelled/.test(document.querySelector('[data-test=job-stats]')?.textContent ?? ''), null, { timeout: 1500 })
        .then(() => true, () => false);
    }
    assert.ok(cancelled, 'one run was cancelled');
    await page.waitForFunction(() => /[1-9][\d,]* events/.test(document.querySelector('[data-test=job-stats]')?.textContent ?? ''));
    await lab.shot('e2e-04-sweep-progress');
    await page.waitForSelector('[data-test=job][data-state=done]', { timeout: 90_000 });
    assert.match((await job.locator('[data-test=job-stats]').textContent()) ?? '', /17 of 18 done · 1 cancelled/);
    const stored = lab.store.listRuns({ experiment: SWEEP });
    assert.equal(stored.filter((r) => r.status === 'done').length, 17);
    assert.equal(stored.filter((r) => r.status === 'cancelled').length, 1);
  });

  test('selecting runs gives a comparison with 95 % CI error bars, and a line against a sweep parameter', async () => {
    await page.keyboard.press('Control+2');
    await page.selectOption('[data-test=runs-experiment]', SWEEP);
    await page.selectOption('[data-test=runs-status]', 'done');
    await page.waitForFunction(() => document.querySelector('[data-test=runs-count]')?.textContent === '17 of 17 runs');
    await page.check('[data-test=select-all]');
    await page.click('[data-test=compare-selected]');
    await page.selectOption('[data-test=chart-kind]', 'bar');
    await page.selectOption('[data-test=chart-metric]', 'dma.throughput_gbps');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-test=chart]')?.dataset.kind === 'bar');
    const bars = Number(await page.getAttribute('[data-test=chart]', 'data-error-bars'));
    assert.ok(bars >= 5, `error bars drawn for the replicated configurations (${bars})`);
    const table = (await page.locator('[data-test=metric-table]').textContent()) ?? '';
    assert.match(table, /±/);
    assert.match(table, /\(N=3\)/);
    assert.match(table, /\(N=2\)/, 'the configuration that lost its cancelled run has N=2');
    await lab.shot('e2e-05-compare-bars');
    await page.selectOption('[data-test=chart-kind]', 'line');
    await page.selectOption('[data-test=chart-metric]', 'nic.latency_ns.p99');
    await page.selectOption('[data-test=chart-x]', 'bitrate_gbps');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-test=chart]')?.dataset.kind === 'line');
    await lab.shot('e2e-06-compare-line');
    await page.selectOption('[data-test=chart-kind]', 'cdf');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-test=chart]')?.dataset.kind === 'cdf');
    await lab.shot('e2e-07-compare-cdf');
    await page.selectOption('[data-test=chart-kind]', 'series');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-test=chart]')?.dataset.kind === 'series');
    await page.hover('[data-test=chart]');
    await page.mouse.wheel(0, -400);
    await lab.shot('e2e-07b-compare-series-zoomed');
    await page.selectOption('[data-test=chart-kind]', 'bar');
  });

  test('diffs two runs, and the "differences only" toggle persists', async () => {
    await page.keyboard.press('Control+2');
    await page.selectOption('[data-test=runs-status]', 'done');
    const rows = page.locator('[data-test=runs-table] tbody tr');
    await rows.nth(0).click();
    await rows.nth(3).click({ modifiers: ['Control'] });
    await page.click('[data-test=diff-selected]');
    await page.waitForSelector('[data-test=diff-metric-row]');
    const onlyDiff = await page.isChecked('[data-test=diff-only]');
    assert.equal(onlyDiff, true, 'differences only by default');
    const summary = (await page.locator('[data-test=diff-summary]').textContent()) ?? '';
    assert.match(summary, /\d+ spec fields? and \d+ metrics? differ/);
    assert.equal(await page.locator('[data-test=diff-table] tr.same').count(), 0);
    await lab.shot('e2e-08-diff');
    await page.uncheck('[data-test=diff-only]');
    assert.ok((await page.locator('[data-test=diff-table] tr.same').count()) > 0, 'identical fields show when the toggle is off');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.isChecked('[data-test=diff-only]'), false, 'the toggle survived a reload');
    await page.keyboard.press('Control+4');
    await page.check('[data-test=diff-only]');
    // The light theme, switched from the keyboard; it persists like the rest of the layout.
    await page.keyboard.press('Control+2');
    await page.keyboard.press('Control+Shift+L');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
    await lab.shot('e2e-08b-runs-light-theme');
    const row = page.locator('[data-test=runs-table] tbody tr').first();
    const id = await row.getAttribute('data-id');
    await row.dblclick();
    await page.waitForFunction((f) => document.querySelector('[data-test=doc-title]')?.textContent === f, `run-${id}.json`);
    await page.waitForFunction(() => document.querySelector('[data-test=check-status]')?.textContent === '✓ valid · 1 run');
    await page.keyboard.press('Control+Shift+L');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  });

  test('a 50-run sweep runs in the worker pool with incremental progress while the UI takes input, and cancel stops it midway', async () => {
    // Each run takes seconds of engine time, so the sweep is still going while the UI is used.
    // How fast the UI answers meanwhile is measured by `npm run bench` (bench/ui-responsiveness.ts),
    // never asserted here: a millisecond bound fails whenever the machine is shared.
    await lab.service.saveScript({ name: 'fifty.json', source: fiftyRunSweep('responsiveness sweep') });
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('[data-test=scripts] [data-script="fifty.json"]');
    await page.waitForFunction(() => document.querySelector('[data-test=check-status]')?.textContent === '✓ valid · 50 runs');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('[data-test=running-run]');
    // Off the renderer: the service hands the runs to its worker pool (two engine workers here).
    const job = (await lab.service.watch({ after: 0, waitMs: 0 })).jobs.find((j) => j.state === 'running')!;
    assert.equal(job.workers, 2, 'the sweep runs on the pool of two engine workers');
    assert.ok(job.running.length >= 1 && job.running.length <= 2, `at most one run per worker (${job.running.length} running)`);
    // Progress arrives incrementally: the job's event count grows in several steps while it runs.
    const seen: number[] = [];
    while (seen.length < 3) {
      const text = await page.waitForFunction(
        (last) => {
          const t = document.querySelector('[data-test=job-stats]')?.textContent ?? '';
          const m = /run \d+ of 50 · ([\d,]+) events/.exec(t);
          const n = m ? Number(m[1]!.replace(/,/g, '')) : -1;
          return n > last ? String(n) : false;
        },
        seen.at(-1) ?? 0,
        { timeout: 60_000 },
      );
      seen.push(Number(await text.jsonValue()));
    }
    assert.ok(seen[0]! < seen[1]! && seen[1]! < seen[2]!, `event counts ${seen.join(' < ')}`);
    // The UI takes input meanwhile: each view switch lands (checked by state, not by a clock).
    for (const tab of ['runs', 'compare', 'editor', 'runs', 'diff', 'editor']) {
      await page.click(`[data-test=tab-${tab}]`);
      assert.equal(await page.getAttribute(`[data-test=tab-${tab}]`, 'aria-selected'), 'true', `${tab} is shown`);
      assert.ok(await page.locator(`section.view.active[data-view=${tab}]`).isVisible(), `${tab} view is visible`);
    }
    // And the API answers queries while runs are being written, with what the store holds.
    const listed = (await page.evaluate(`fetch('/api/listRuns', { method: 'POST', headers: { 'content-type': 'application/json', 'x-lab-token': document.querySelector('meta[name=lab-token]').content }, body: '{"query":{"experiment":"responsiveness sweep"}}' }).then((r) => r.json())`)) as { ok: boolean; result: { total: number } };
    assert.ok(listed.ok && listed.result.total >= 1, `the runs started so far are listed (${JSON.stringify(listed).slice(0, 200)})`);
    assert.equal(await page.locator('[data-test=job][data-state=running]').count(), 1, 'the sweep was still running during all of this');
    await lab.shot('e2e-09-fifty-run-sweep');
    // Runs far from their end will notice the cancel (the engine polls every ~65k events).
    const inFlight = (await lab.service.watch({ after: 0, waitMs: 0 })).jobs.find((j) => j.state === 'running')!.running;
    const expectCancelled = inFlight.some((r) => (r.fraction ?? 0) < 0.6);
    await page.keyboard.press('Control+Shift+X');
    await page.waitForSelector('[data-test=job][data-state=cancelled]', { timeout: 60_000 });
    const stored = lab.store.listRuns({ experiment: 'responsiveness sweep' });
    assert.ok(stored.length < 50, `runs that never started are not stored (${stored.length} stored)`);
    assert.ok(stored.every((r) => r.status === 'done' || r.status === 'cancelled'), `stored: ${stored.map((r) => r.status).join(', ')}`);
    if (expectCancelled) assert.ok(stored.some((r) => r.status === 'cancelled'), `the runs in flight are recorded as cancelled (${stored.map((r) => r.status).join(', ')})`);
    await lab.shot('e2e-10-fifty-run-sweep-cancelled');
  });

  test('tags, renames and deletes runs (deletion asks first)', async () => {
    // Its own runs, finished before it starts: nothing here depends on how the test before it went.
    const EXP = 'tagging sweep';
    for (const j of (await lab.service.watch({ after: 0, waitMs: 0 })).jobs) if (j.state === 'running') await lab.service.cancel({ jobId: j.id });
    const specs = [0, 1, 2].map((i) => ({ ...specJson(EXP, { ring: 64 + 64 * i }, 0, 1 + i), duration: '100us' }));
    const started = await lab.service.start({ file: 'tagging.json', source: JSON.stringify(specs) });
    assert.ok(started.ok, JSON.stringify(started.diagnostics));
    for (let v = 0; ; ) {
      const w = await lab.service.watch({ after: v, waitMs: 10_000 });
      v = w.version;
      if (w.jobs.find((j) => j.id === started.jobId)?.state !== 'running') break;
    }
    await page.keyboard.press('Control+2');
    await page.selectOption('[data-test=runs-status]', '');
    await page.waitForSelector(`[data-test=runs-experiment] option[value="${EXP}"]`, { state: 'attached' });
    await page.selectOption('[data-test=runs-experiment]', EXP);
    const n = lab.store.listRuns({ experiment: EXP }).length;
    assert.equal(n, 3);
    await page.waitForFunction((k) => document.querySelector('[data-test=runs-count]')?.textContent === `${k} of ${k} runs`, n);
    const first = page.locator('[data-test=runs-table] tbody tr').first();
    await first.click();
    await page.click('[data-test=tag-selected]');
    await page.fill('[data-test=dialog-input]', 'keep');
    await page.click('[data-test=dialog-ok]');
    await page.fill('[data-test=runs-tag]', 'keep');
    await page.waitForFunction(() => document.querySelector('[data-test=runs-count]')?.textContent === '1 of 1 runs');
    await page.locator('[data-test=runs-table] tbody tr').first().click();
    await page.click('[data-test=rename-selected]');
    await page.fill('[data-test=dialog-input]', 'kept for the record');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-test=runs-table] tbody tr:has-text("kept for the record")');
    await page.fill('[data-test=runs-tag]', '');
    await page.waitForFunction((k) => document.querySelector('[data-test=runs-count]')?.textContent === `${k} of ${k} runs`, n);
    await page.check('[data-test=select-all]');
    await page.click('[data-test=delete-selected]');
    await page.waitForSelector('[role=dialog]');
    await lab.shot('e2e-13-delete-confirmation');
    await page.click('[data-test=dialog-cancel]');
    assert.equal(lab.store.listRuns({ experiment: EXP }).length, n, 'cancelling the dialog deletes nothing');
    await page.click('[data-test=delete-selected]');
    await page.click('[data-test=dialog-ok]');
    // The experiment goes with its last run, so the list falls back to all experiments.
    await page.waitForFunction((e) => !document.querySelector('[data-test=runs-table]')?.textContent?.includes(e), EXP);
    assert.equal(lab.store.listRuns({ experiment: EXP }).length, 0);
    assert.equal(await page.inputValue('[data-test=runs-experiment]'), '');
  });
});
