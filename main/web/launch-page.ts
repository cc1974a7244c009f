/**
 * How the browser host hands Chromium its one-time launch code without a command line: a small
 * page in a fresh private directory (0700, the file 0600: no other local user can read it) that
 * moves on to the launch link. Only the page's path goes on Chromium's command line, which every
 * local user can read with `ps`; the code itself is spent on first use and the page is deleted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface LaunchPage {
  /** The file:// URL to open. */
  readonly url: string;
  readonly file: string;
  /** Deletes the page and its directory (idempotent). */
  remove(): void;
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function writeLaunchPage(parentDir: string, launchUrl: string): LaunchPage {
  const dir = mkdtempSync(join(parentDir, '.launch-'));
  const file = join(dir, 'launch.html');
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escapeAttr(launchUrl)}"><title>vIOMMU Lab</title>\n`, { mode: 0o600 });
  return { url: pathToFileURL(file).href, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
