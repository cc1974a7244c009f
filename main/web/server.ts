/**
 * The browser host: the renderer and the API service on loopback only, on a random port, behind
 * a random per-launch token. It refuses any request whose Host is not this loopback address (DNS
 * rebinding), any Origin other than its own, API calls without the token header, pages without
 * the token (query on first load, then an HttpOnly cookie), and any path outside the renderer.
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

  function handleStatic(req: IncomingMessage, res: ServerResponse, rawPath: string, query: URLSearchParams): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'only GET');
    const viaQuery = sameSecret(query.get('token') ?? undefined, token);
    if (!viaQuery && !sameSecret(cookieToken(req), token)) return refuse(res, 403, 'missing or wrong token: open the URL printed by `npm start`');
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
    if (viaQuery) headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
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
    handleStatic(req, res, rawPath, query);
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
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
