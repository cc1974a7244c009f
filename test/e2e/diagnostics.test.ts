/**
 * The same bad script gives the same diagnostic in the workbench and in the CLI: a topology the
 * models cannot build (`backing: ['smmu9']`) and a spec field the schema refuses, as a TypeScript
 * script and as a JSON spec. Each is opened from the examples gallery (the real sandbox and the
 * engine host's topology check behind the browser host) and the editor's marker — line, column,
 * message, kind — is compared with what `viommu-lab check` prints for the same file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { main } from '../../main/cli/main';
import type { CliIO } from '../../main/cli/io';
import { BAD_SOURCES } from '../support/bad-sources';
import { E2E_SKIP, ROOT, startLab, type Lab } from './harness';

describe('diagnostics: editor markers are what the CLI prints', { skip: E2E_SKIP }, () => {
  let lab: Lab;
  let page: Page;
  let resources: string;
  const examples = (): string => join(resources, 'examples');

  before(async () => {
    resources = mkdtempSync(join(tmpdir(), 'viommu-diag-res-'));
    mkdirSync(examples());
    for (const bad of BAD_SOURCES) writeFileSync(join(examples(), bad.file), bad.source);
    copyFileSync(join(ROOT, 'resources', 'viommu-lab.d.ts'), join(resources, 'viommu-lab.d.ts'));
    lab = await startLab({ resources });
    page = lab.page;
  });
  after(async () => {
    await lab?.close();
    rmSync(resources, { recursive: true, force: true });
  });

  async function cliCheck(file: string): Promise<{ code: number; err: string }> {
    let err = '';
    const io: CliIO = { out: () => {}, err: (t) => void (err += t), isTTY: false };
    // From the examples folder, so the CLI names the file as the editor does.
    process.chdir(examples());
    try {
      return { code: await main(['check', file, '--no-types'], io), err };
    } finally {
      process.chdir(ROOT);
    }
  }

  for (const bad of BAD_SOURCES) {
    test(`${bad.file}: a ${bad.kind} error is a marker at the CLI's line and column, with its message`, async () => {
      await page.click(`[data-test=examples] [data-file="${bad.file}"]`);
      await page.waitForFunction((f) => document.querySelector('[data-test=doc-title]')?.textContent === f, bad.file);
      await page.waitForFunction(() => /^[✓✗]/.test(document.querySelector('[data-test=check-status]')?.textContent ?? ''), null, { timeout: 30_000 });
      assert.equal(await page.locator('[data-test=check-status]').textContent(), `✗ ${bad.editorProblems} problem${bad.editorProblems === 1 ? '' : 's'}`);
      const markers = (await page.evaluate('window.__labEditor.markers()')) as { line: number; column: number; message: string }[];
      assert.equal(markers.length, 1, JSON.stringify(markers));
      const m = markers[0]!;
      assert.match(m.message, bad.message);
      const cli = await cliCheck(bad.file);
      assert.equal(cli.code, 1);
      assert.equal(cli.err, `viommu-lab: ${bad.file}:${m.line}:${m.column}: ${m.message} [${bad.kind}]\n`);
      // The problems list shows the same position and kind.
      assert.equal(await page.locator('[data-test=problem]').first().textContent(), `●${bad.file}:${m.line}:${m.column}${bad.kind}: ${m.message}`);
      await lab.shot(`e2e-diag-${bad.file.replace('.', '-')}`);
      // Running it instead of checking: refused with the same marker, nothing stored.
      await page.click('.monaco-editor .view-lines');
      await page.keyboard.press('Control+Enter');
      await page.waitForFunction(() => document.querySelector('[data-test=check-status]')?.textContent?.startsWith('✗ not started'));
      const again = (await page.evaluate('window.__labEditor.markers()')) as typeof markers;
      assert.deepEqual(again, markers);
      assert.equal(lab.store.listRuns().length, 0);
    });
  }
});
