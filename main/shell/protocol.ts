/** Serves the built renderer from the app's own scheme (never file://), with the CSP on every response. */
import { readFileSync, statSync } from 'node:fs';
import { contentType, RENDERER_CSP, resolveStaticPath } from '../web/static-path';
import type { ElectronLike } from './electron-types';
import { APP_SCHEME } from './security';

/** Must run before the app is ready. */
export function registerAppScheme(protocol: ElectronLike['protocol']): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function appProtocolHandler(rendererDir: string): (request: { url: string; method: string }) => Response {
  return (request) => {
    const headers = { 'content-security-policy': RENDERER_CSP, 'x-content-type-options': 'nosniff' };
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return new Response('bad request', { status: 400, headers });
    }
    if (url.host !== 'app' || request.method !== 'GET') return new Response('not found', { status: 404, headers });
    // The raw path, before URL normalisation, so encoded dot segments are seen and refused.
    const rawPath = request.url.slice(`${APP_SCHEME}://app`.length) || '/';
    const file = resolveStaticPath(rendererDir, rawPath);
    if (file === null) return new Response('not found', { status: 404, headers });
    try {
      if (!statSync(file).isFile()) return new Response('not found', { status: 404, headers });
      let body: Buffer | string = readFileSync(file);
      // The shell talks over IPC, so the page carries no token.
      if (file.endsWith('index.html')) body = body.toString('utf8').replace('%LAB_TOKEN%', '');
      return new Response(body, { status: 200, headers: { ...headers, 'content-type': contentType(file) } });
    } catch {
      return new Response('not found', { status: 404, headers });
    }
  };
}
