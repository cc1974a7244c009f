// The README's main-job command, `npm start`, as a newcomer runs it here: no Electron binary and
// no display, so it says so in one line, builds the app and serves the workbench on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;

test('npm start without Electron or a display serves the workbench on loopback behind a token', async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'viommu-start-')), 'lab.sqlite');
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], {
    cwd: root,
    env: { ...process.env, VIOMMU_LAB_DB: db, DISPLAY: '', WAYLAND_DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGTERM'));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 120 s:\n${out}`)), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}) before serving:\n${out}`)));
  });
  assert.match(out, /^Electron's binary is not installed here: opening the workbench in the browser host instead\.$/m);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /vIOMMU Lab/);
  const bare = await fetch(url.replace(/\?token=.*$/, ''));
  assert.equal(bare.status, 403);
});
