import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabService } from '../common/api/contract';
import { startWebHost, type WebHost } from './server';

let dir: string;
let host: WebHost;
let calls = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'viommu-web-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'workers'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<meta name="lab-token" content="%LAB_TOKEN%">');
  writeFileSync(join(renderer, 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  const service = {
    listScripts: () => {
      calls++;
      return [];
    },
  } as unknown as LabService;
  host = await startWebHost({ service, rendererDir: renderer, log: () => {} });
});

after(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw HTTP request: the path goes on the wire exactly as given (no URL normalisation). */
function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${host.port}`, ...opts.headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const api = (headers: Record<string, string>): Promise<Reply> => send('/api/listScripts', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

const cookie = (): Record<string, string> => ({ cookie: `viommu_lab_token=${host.token}` });
const pathOf = (url: string): string => url.slice(host.origin.length);

test('the host listens on loopback only, on a random port; its URL carries no credential', () => {
  assert.equal(host.url, `http://127.0.0.1:${host.port}/`);
  assert.notEqual(host.port, 0);
  assert.match(host.launchUrl(), /^http:\/\/127\.0\.0\.1:\d+\/launch\?code=[\w-]{20,}$/);
  assert.ok(!host.launchUrl().includes(host.token), 'a launch link is not the token');
});

test('a one-time launch link sets the token as an HttpOnly, SameSite=Strict cookie and leaves for /; a second use is refused', async () => {
  const link = host.launchUrl();
  const spent: string[] = [];
  host.onLaunch((code) => spent.push(code));
  const r = await send(pathOf(link));
  assert.equal(r.status, 200);
  assert.equal(r.headers['set-cookie']?.[0], `viommu_lab_token=${host.token}; HttpOnly; SameSite=Strict; Path=/`);
  assert.match(r.body, /<meta http-equiv="refresh" content="0;url=\/">/, 'the address bar ends on / without the code');
  assert.ok(!r.body.includes(host.token));
  assert.equal(r.headers['referrer-policy'], 'no-referrer');
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.deepEqual(spent, [new URL(link).searchParams.get('code')]);
  const again = await send(pathOf(link));
  assert.equal(again.status, 403);
  assert.match(again.body, /used already or is not valid/);
  assert.equal(again.headers['set-cookie'], undefined);
  assert.equal((await send('/launch?code=made-up-code')).status, 403);
  assert.equal((await send('/launch')).status, 403);
  assert.equal((await send(`/launch?code=${host.token}`)).status, 403, 'the token is not a launch code');
});

test('the page with the cookie is served, with the token for the API', async () => {
  const r = await send('/', { headers: cookie() });
  assert.equal(r.status, 200);
  assert.ok(r.body.includes(host.token));
  assert.equal(r.headers['set-cookie'], undefined);
  assert.match(String(r.headers['content-security-policy']), /default-src 'none'/);
  const asset = await send('/app.js', { headers: cookie() });
  assert.equal(asset.status, 200);
  assert.equal(asset.body, 'console.log(1)');
  const ok = await api({ 'x-lab-token': host.token });
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), { ok: true, result: [] });
});

test('refuses a request without the token', async () => {
  const before = calls;
  assert.equal((await send('/')).status, 403);
  assert.equal((await send('/app.js')).status, 403);
  assert.equal((await api({})).status, 403);
  // The token in a URL is no longer a way in: it would sit in the address bar and history.
  assert.equal((await send(`/?token=${host.token}`)).status, 403);
  assert.equal(calls, before, 'the service was never called');
});

test('refuses a wrong token', async () => {
  const before = calls;
  assert.equal((await send('/?token=not-the-token')).status, 403);
  assert.equal((await send('/app.js', { headers: { cookie: 'viommu_lab_token=stale' } })).status, 403);
  assert.equal((await api({ 'x-lab-token': host.token.slice(1) + 'x' })).status, 403);
  // The page cookie alone does not authorise API calls (cross-site requests carry cookies).
  assert.equal((await api({ cookie: `viommu_lab_token=${host.token}` })).status, 403);
  assert.equal(calls, before);
});

test('refuses a foreign Origin even with the right token', async () => {
  const r = await api({ 'x-lab-token': host.token, origin: 'http://evil.example' });
  assert.equal(r.status, 403);
  assert.match(r.body, /Origin/);
  assert.equal((await api({ 'x-lab-token': host.token, origin: `http://127.0.0.1:${host.port + 1}` })).status, 403);
  assert.equal((await api({ 'x-lab-token': host.token, origin: `http://127.0.0.1:${host.port}` })).status, 200);
});

test('refuses a foreign Host header (DNS rebinding) even with the right token', async () => {
  const r = await send('/', { headers: { ...cookie(), host: `attacker.example:${host.port}` } });
  assert.equal(r.status, 403);
  assert.match(r.body, /Host/);
  const link = host.launchUrl();
  assert.equal((await send(pathOf(link), { headers: { host: `attacker.example:${host.port}` } })).status, 403);
  assert.equal((await api({ 'x-lab-token': host.token, host: 'attacker.example' })).status, 403);
  assert.equal((await send('/', { headers: { ...cookie(), host: `localhost:${host.port}` } })).status, 200);
  assert.equal((await send(pathOf(link))).status, 200, 'a refused request does not spend the code');
});

test('refuses paths outside the renderer: /../ and every encoded variant', async () => {
  for (const path of ['/../secret.txt', '/workers/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/..%2fsecret.txt', '/%252e%252e/secret.txt', '/..%5csecret.txt', '/.%2e/secret.txt', '/app.js%00.html']) {
    const r = await send(path, { headers: cookie() });
    assert.ok(r.status === 404 || r.status === 400, `${path} → ${r.status}`);
    assert.ok(!r.body.includes('outside the renderer'), `${path} leaked the file`);
  }
  assert.equal((await send('/workers', { headers: cookie() })).status, 404, 'a directory is not a file');
});

test('API errors come back as one message; unknown operations and GETs are refused', async () => {
  const h = { 'x-lab-token': host.token, 'content-type': 'application/json' };
  const bad = await send('/api/listScripts', { method: 'POST', headers: h, body: '{"x":1}' });
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(bad.body).error, /listScripts: payload: Unrecognized key/);
  assert.equal((await send('/api/listScripts', { method: 'POST', headers: h, body: '{' })).status, 400);
  assert.equal((await send('/api/nope', { method: 'POST', headers: h, body: '{}' })).status, 404);
  assert.equal((await send('/api/listScripts', { headers: h })).status, 405);
});
