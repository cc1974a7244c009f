/**
 * The editor with TypeScript scripts, independent of the scripting pipeline's progress: a
 * stand-in evaluator and a stand-in .d.ts check the editor's side of the contract — completion
 * and hover from the DSL's declarations, and a ScriptError shown as a marker at its line:column.
 * (workbench.test.ts runs the same flow against the real evaluateScript once it is merged.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { prepareRun } from '../../main/api/runner';
import { ScriptError } from '../../main/script/api';
import { specJson } from '../support/fake-executor';
import { E2E_SKIP, startLab, type Lab } from './harness';


const DTS = `/** Declares a virtual machine with its memory and vCPUs. */
export declare function vm(id: string, opts: { memory: string; vcpus?: number }): VmRef;
export interface VmRef { readonly id: string }
`;
const SCRIPT = `// Stand-in example: one VM.
import { vm } from 'viommu-lab';

const guest = vm('vm0', { memory: '4GiB' });
export default guest;
`;

describe('TypeScript scripts in the editor (stand-in pipeline)', { skip: E2E_SKIP }, () => {
  let lab: Lab;
  let page: Page;
  let resources: string;

  before(async () => {
    resources = mkdtempSync(join(tmpdir(), 'viommu-res-'));
    mkdirSync(join(resources, 'examples'));
    writeFileSync(join(resources, 'examples', 'one-vm.ts'), SCRIPT);
    writeFileSync(join(resources, 'viommu-lab.d.ts'), DTS);
    const evaluate = async (source: string, file: string) => {
      const lines = source.split('\n');
      const line = lines.findIndex((l) => l.includes('const ='));
      if (line >= 0) throw new ScriptError({ kind: 'syntax', file, line: line + 1, column: lines[line]!.indexOf('=') + 1, message: 'Variable declaration expected.' });
      return { name: 'stand-in', specs: [prepareRun(specJson('stand-in')).spec] };
    };
    lab = await startLab({ evaluate, resources });
    page = lab.page;
  });
  after(async () => {
    await lab?.close();
    rmSync(resources, { recursive: true, force: true });
  });

  test('completion and hover come from the DSL declarations; a script error is a marker', async () => {
    await page.click('[data-test=examples] [data-file="one-vm.ts"]');
    await page.waitForFunction(() => document.querySelector('[data-test=check-status]')?.textContent === '✓ valid · 1 run');
    // Hover the imported function: its doc comment comes from the .d.ts.
    // Tokens keep their spaces (" vm"): point at the last letter of the call's name.
    const name = page.locator('.monaco-editor .view-lines span span', { hasText: /^\s*vm\s*$/ }).last();
    const box = (await name.boundingBox())!;
    await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
    await page.waitForSelector('.monaco-hover:has-text("Declares a virtual machine")', { timeout: 20_000 });
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nconst b = v');
    await page.keyboard.press('Control+Space');
    await page.waitForSelector('.suggest-widget .monaco-list-row:has-text("vm")', { timeout: 20_000 });
    await lab.shot('e2e-11-ts-completion');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.type('const = 1;');
    await page.waitForSelector('[data-test=problem]');
    // The problem list and the editor's markers are set by the same check, but the check reruns
    // as each key is typed: wait for the markers of the final text (a state, not a duration).
    await page
      .waitForFunction(
        () => {
          const m = (window as unknown as { __labEditor: { markers(): { line: number; column: number }[] } }).__labEditor.markers();
          return m.length === 1 && m[0]!.line === 7 && m[0]!.column === 7;
        },
        undefined,
        { timeout: 20_000 },
      )
      .catch(() => undefined);
    const markers = (await page.evaluate('window.__labEditor.markers()')) as { line: number; column: number; message: string }[];
    assert.deepEqual(markers.map((m) => [m.line, m.column, m.message]), [[7, 7, 'Variable declaration expected.']]);
    assert.match((await page.locator('[data-test=problem]').first().textContent()) ?? '', /one-vm\.ts:7:7/);
    await lab.shot('e2e-12-ts-script-error-marker');
  });
});
