/**
 * Maps a request path onto a file inside the built renderer, or refuses it. Shared by the
 * browser host and the Electron shell's app:// protocol: no path, however encoded, may name a
 * file outside the root (dot segments, percent-encoded or double-encoded dots, backslashes, NUL).
 */
import { resolve, sep } from 'node:path';

/** Decodes percent-escapes repeatedly (a double-encoded "%252e" is still a dot), or null if malformed. */
function fullyDecode(s: string): string | null {
  let cur = s;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(cur);
    } catch {
      return null;
    }
    if (next === cur) return cur;
    cur = next;
  }
  return /%[0-9a-f]{2}/i.test(cur) ? null : cur;
}

export function resolveStaticPath(root: string, rawPath: string): string | null {
  const pathOnly = rawPath.split(/[?#]/, 1)[0] ?? '';
  const decoded = fullyDecode(pathOnly);
  if (decoded === null || !decoded.startsWith('/')) return null;
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').some((seg) => seg === '..' || seg === '.')) return null;
  const rel = decoded === '/' ? 'index.html' : decoded.slice(1);
  const absRoot = resolve(root);
  const target = resolve(absRoot, rel);
  if (target !== absRoot && !target.startsWith(absRoot + sep)) return null;
  return target;
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ttf: 'font/ttf',
  woff2: 'font/woff2',
  svg: 'image/svg+xml',
  png: 'image/png',
  map: 'application/json; charset=utf-8',
  ts: 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return TYPES[file.slice(file.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
}

/** The renderer's Content-Security-Policy: nothing but its own files (Monaco needs inline styles and worker scripts from self). */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
