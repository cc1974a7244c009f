/**
 * The test runner's skips are loud: without Chromium the e2e suites are listed as skipped (with
 * why) in the last lines; under CI they fail instead. Runs scripts/test.mjs on one e2e file with
 * a PATH that holds no Chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

function runE2eWithoutChromium(ci: boolean): { status: number | null; out: string } {
  // An empty PATH: the runner starts node by its absolute path, and nothing else is looked up.
  const emptyBin = mkdtempSync(join(tmpdir(), 'viommu-no-chromium-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: emptyBin };
    delete env.CI;
    // Not a subtest of this runner: a fresh `node --test`, as npm test starts it.
    delete env.NODE_TEST_CONTEXT;
    if (ci) env.CI = 'true';
    const r = spawnSync(process.execPath, ['scripts/test.mjs', 'test/e2e/script-editor.test.ts'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(emptyBin, { recursive: true, force: true });
  }
}

test('with CI set and Chromium hidden from PATH, the e2e tests fail, saying why', () => {
  const r = runE2eWithoutChromium(true);
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, /Chromium is not on PATH .*under CI the end-to-end tests fail rather than skip/);
  assert.match(r.out, /nothing skipped\n$/);
});

test('without CI, the last lines say which suites were skipped and why', () => {
  const r = runE2eWithoutChromium(false);
  assert.equal(r.status, 0, r.out);
  const tail = r.out.trimEnd().split('\n').slice(-2);
  assert.deepEqual(tail, ['skipped 1 test or suite:', '  test/e2e/script-editor.test.ts: "TypeScript scripts in the editor (stand-in pipeline)" — Chromium is not on PATH (apt-get install -y chromium)']);
});
