// The README's main-job command, `npm start`, as a newcomer runs it here: no Electron binary, so
// it says so in one line, builds the app and serves the workbench on loopback. Without a display
// it prints a one-time link; with one it opens the browser — and no process argument of the
// browser host or of its browser holds the credential (the check `ps` would let any user make).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;

function startApp(env: Record<string, string>): { child: ChildProcessWithoutNullStreams; output: () => string; waitFor: (re: RegExp) => Promise<RegExpExecArray> } {
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], { cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const waitFor = (re: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${re} within 120 s:\n${out}`)), 120_000);
      const poll = setInterval(() => {
        const m = re.exec(out);
        if (m !== null) {
          clearTimeout(timer);
          clearInterval(poll);
          resolve(m);
        }
      }, 50);
      child.on('exit', (code) => {
        clearTimeout(timer);
        clearInterval(poll);
        reject(new Error(`npm start exited (${code}):\n${out}`));
      });
    });
  return { child, output: () => out, waitFor };
}

test('npm start without Electron or a display serves the workbench on loopback behind a one-time link', async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'viommu-start-')), 'lab.sqlite');
  const app = startApp({ VIOMMU_LAB_DB: db, DISPLAY: '', WAYLAND_DISPLAY: '' });
  t.after(() => app.child.kill('SIGTERM'));
  const [link] = await app.waitFor(/http:\/\/127\.0\.0\.1:\d+\/launch\?code=[\w-]+/);
  assert.match(app.output(), /^Electron's binary is not installed here: opening the workbench in the browser host instead\.$/m);
  assert.match(app.output(), /^No display: open this one-time link in a browser: /m);
  const launch = await fetch(link!, { redirect: 'manual' });
  assert.equal(launch.status, 200);
  const cookie = launch.headers.get('set-cookie')!.split(';')[0]!;
  const origin = new URL(link!).origin;
  const page = await fetch(`${origin}/`, { headers: { cookie } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /vIOMMU Lab/);
  assert.equal((await fetch(link!)).status, 403, 'the link is spent');
  assert.equal((await fetch(`${origin}/`)).status, 403);
});

/** A stand-in for Chromium: records its argv, follows the launch page as a browser would, and waits to be closed. */
const FAKE_BROWSER = `#!${process.execPath}
const { readFileSync, writeFileSync, existsSync, statSync } = require('node:fs');
const { dirname } = require('node:path');
const { fileURLToPath } = require('node:url');
(async () => {
  const app = process.argv.find((a) => a.startsWith('--app='));
  const pageUrl = app.slice('--app='.length);
  const pageFile = fileURLToPath(pageUrl);
  const modes = [statSync(dirname(pageFile)).mode & 0o777, statSync(pageFile).mode & 0o777];
  const html = readFileSync(pageFile, 'utf8');
  const link = /url=([^"]+)"/.exec(html)[1].replace(/&amp;/g, '&');
  const launch = await fetch(link, { redirect: 'manual' });
  const cookie = launch.headers.get('set-cookie').split(';')[0];
  const page = await (await fetch(new URL(link).origin + '/', { headers: { cookie } })).text();
  const token = /name="lab-token" content="([^"]+)"/.exec(page)[1];
  const again = (await fetch(link)).status;
  writeFileSync(process.env.FAKE_BROWSER_OUT, JSON.stringify({ pid: process.pid, argv: process.argv, pageFile, modes, html, link, token, launch: launch.status, again, pageLeft: existsSync(pageFile) }));
  setInterval(() => {}, 1000);
})().catch((e) => { writeFileSync(process.env.FAKE_BROWSER_OUT, JSON.stringify({ error: String(e.stack) })); process.exit(1); });
`;

/** Every process under `pid` (itself included) with its full argument list, as `ps` shows them to any local user. */
function processTree(pid: number): { pid: number; args: string }[] {
  const rows = execFileSync('ps', ['-eww', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) {
      if (tree.has(r.ppid) && !tree.has(r.pid)) {
        tree.add(r.pid);
        grew = true;
      }
    }
  }
  return rows.filter((r) => tree.has(r.pid)).map(({ pid: p, args }) => ({ pid: p, args }));
}

test('with a display, the browser is opened with no credential in any process argument of the host or the browser', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'viommu-start-browser-'));
  const browser = join(dir, 'fake-chromium');
  writeFileSync(browser, FAKE_BROWSER);
  chmodSync(browser, 0o755);
  const out = join(dir, 'browser.json');
  const app = startApp({ VIOMMU_LAB_DB: join(dir, 'lab.sqlite'), DISPLAY: ':99', VIOMMU_LAB_BROWSER: browser, FAKE_BROWSER_OUT: out });
  t.after(() => app.child.kill('SIGTERM'));
  await app.waitFor(/vIOMMU Lab is running at/);
  while (!existsSync(out) || readFileSync(out, 'utf8') === '') await new Promise((r) => setTimeout(r, 50));
  const seen = JSON.parse(readFileSync(out, 'utf8')) as { error?: string; pid: number; argv: string[]; pageFile: string; modes: number[]; html: string; link: string; token: string; launch: number; again: number; pageLeft: boolean };
  assert.equal(seen.error, undefined, seen.error);
  assert.equal(seen.launch, 200, 'the browser got in with the launch page');
  assert.equal(seen.again, 403, 'the launch code is spent');
  assert.equal(seen.pageLeft, false, 'the launch page is deleted once used');
  assert.equal(existsSync(dirname(seen.pageFile)), false, 'and its directory');
  assert.deepEqual(seen.modes, [0o700, 0o600], 'only this user can read the launch page');
  const code = new URL(seen.link).searchParams.get('code')!;
  assert.ok(!seen.html.includes(seen.token), 'the page holds the one-time code, never the token');
  assert.ok(seen.token.length >= 20 && code.length >= 20);

  const procs = processTree(app.child.pid!);
  assert.ok(procs.some((p) => p.pid === seen.pid), `the browser runs under npm start: ${JSON.stringify(procs)}`);
  assert.ok(procs.length >= 3, 'npm start, the browser host and the browser');
  for (const p of procs) {
    assert.ok(!p.args.includes(seen.token), `the token is in the arguments of ${p.args}`);
    assert.ok(!p.args.includes(code), `the launch code is in the arguments of ${p.args}`);
  }
  const appArg = seen.argv.find((a) => a.startsWith('--app='))!;
  assert.match(appArg, /^--app=file:\/\/.*\/\.launch-[^/]+\/launch\.html$/, 'the browser gets only the path of a private page');
  assert.doesNotMatch(app.output(), /launch\?code=/, 'no link is printed when the browser was opened');

  process.kill(seen.pid, 'SIGTERM');
  const code2 = await new Promise<number | null>((r) => app.child.on('exit', r));
  assert.equal(code2, 0, 'closing the browser stops the host');
});
