/**
 * The browser host: the renderer and the API service on loopback only, on a random port, behind
 * a random per-launch token. It refuses any request whose Host is not this loopback address (DNS
 * rebinding), any Origin other than its own, API calls without the token header, pages without
 * the token cookie, and any path outside the renderer.
 *
 * The token never travels in a URL or a command line (where `ps`, the address bar and history
 * would show it): a browser is let in by a one-time launch code (`launchUrl()`), which
 * `/launch` exchanges — once; a second use is refused — for the token as an HttpOnly,
 * SameSite=Strict cookie, then sends the page to `/`, so the address bar keeps no credential.
 * The page itself carries the token for the API header (served only to a cookie holder).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, dispatch, isOperation, type LabService } from '../common/api/contract';
import { contentType, RENDERER_CSP, resolveStaticPath } from './static-path';

export interface WebHostOptions {
  service: LabService;
  /** The built renderer (index.html and its bundles). */
  rendererDir: string;
  port?: number;
  token?: string;
  /** Called for errors the user should see in the terminal. */
  log?: (line: string) => void;
}

export interface WebHost {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** A fresh one-time link that lets one browser in (the code is spent on first use). */
  launchUrl(): string;
  /** Called with the code once a launch link has been used (tests; the host deletes its launch file). */
  onLaunch(listener: (code: string) => void): void;
  close(): Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;
const TOKEN_HEADER = 'x-lab-token';
const COOKIE = 'viommu_lab_token';

function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE) return v;
  }
  return undefined;
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(message + '\n');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);
  const indexHtml = (): string => readFileSync(resolveStaticPath(opts.rendererDir, '/')!, 'utf8').replace('%LAB_TOKEN%', token);
  const unusedCodes = new Set<string>();
  const launchListeners: ((code: string) => void)[] = [];

  /** GET /launch?code=…: spends the code, sets the cookie and moves the page to `/` (same-site, so the Strict cookie goes along). */
  function handleLaunch(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    if (req.method !== 'GET') return refuse(res, 405, 'only GET');
    const code = query.get('code') ?? '';
    const known = [...unusedCodes].find((c) => sameSecret(code, c));
    if (known === undefined) return refuse(res, 403, 'this launch link was used already or is not valid: start the workbench again for a new one');
    unusedCodes.delete(known);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'",
      'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    });
    // A page of the app's own origin moves on (not a redirect: a redirect chain that began on a
    // file:// launch page is cross-site, and the Strict cookie would not be sent along it).
    res.end('<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/"><title>vIOMMU Lab</title>\n');
    for (const l of launchListeners) l(known);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, op: string): Promise<void> {
    if (req.method !== 'POST') return refuse(res, 405, 'API calls are POST');
    if (!sameSecret(req.headers[TOKEN_HEADER] as string | undefined, token)) return refuse(res, 403, 'missing or wrong token');
    if (!isOperation(op)) return refuse(res, 404, `no operation "${op}"`);
    let status = 200;
    let body: unknown;
    try {
      const text = await readBody(req);
      let payload: unknown;
      try {
        payload = text === '' ? {} : JSON.parse(text);
      } catch {
        throw new ApiError(`${op}: the payload is not valid JSON`);
      }
      body = { ok: true, result: await dispatch(opts.service, op, payload) };
    } catch (e) {
      if (e instanceof ApiError) {
        status = e.code === 'not-found' ? 404 : e.code === 'internal' ? 500 : 400;
        body = { ok: false, error: e.message };
      } else {
        status = 500;
        log(`viommu-lab: ${op} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        body = { ok: false, error: `${op} failed: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(JSON.stringify(body));
  }

  function handleStatic(req: IncomingMessage, res: ServerResponse, rawPath: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'only GET');
    if (!sameSecret(cookieToken(req), token)) return refuse(res, 403, 'missing or wrong token: open the one-time link printed by `npm start`');
    const file = resolveStaticPath(opts.rendererDir, rawPath);
    if (file === null) return refuse(res, 404, 'not found');
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return refuse(res, 404, 'not found');
      size = st.size;
    } catch {
      return refuse(res, 404, 'not found');
    }
    const headers: Record<string, string> = {
      'content-type': contentType(file),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
      'content-security-policy': RENDERER_CSP,
    };
    if (file.endsWith('index.html')) {
      const html = indexHtml();
      res.writeHead(200, headers);
      return void res.end(req.method === 'HEAD' ? undefined : html);
    }
    res.writeHead(200, { ...headers, 'content-length': String(size) });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  const server: Server = createServer((req, res) => {
    const host = req.headers.host;
    if (host === undefined || !allowedHosts().includes(host)) return refuse(res, 403, 'foreign Host header');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin)) return refuse(res, 403, 'foreign Origin');
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const rawPath = q >= 0 ? raw.slice(0, q) : raw;
    const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
    if (rawPath.startsWith('/api/')) {
      void handleApi(req, res, rawPath.slice(5)).catch((e: unknown) => {
        log(`viommu-lab: ${String(e)}`);
        if (!res.headersSent) refuse(res, 500, 'internal error');
      });
      return;
    }
    if (rawPath === '/launch') return handleLaunch(req, res, query);
    handleStatic(req, res, rawPath);
  });
  // A long-polling watch holds a connection for up to 30 s.
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    origin,
    port,
    token,
    launchUrl() {
      const code = randomBytes(24).toString('base64url');
      unusedCodes.add(code);
      return `${origin}/launch?code=${code}`;
    },
    onLaunch(listener) {
      launchListeners.push(listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
