/**
 * Reports to PDF in the app: the report's HTML loaded into a hidden, sandboxed window without
 * JavaScript and printed by Electron's webContents.printToPDF — the same Blink print path the
 * CLI drives in Chromium, with the same page options, so both give the same pages.
 */
import type { PdfPrinter } from '../api/notebook/operations';
import type { BrowserWindowOptionsLike } from './electron-types';
import { secureWebPreferences } from './security';

export interface PrintWindowLike {
  loadURL(url: string): Promise<void>;
  webContents: { printToPDF(options: { pageSize: 'A4'; printBackground: boolean; preferCSSPageSize: boolean }): Promise<Uint8Array> };
  destroy(): void;
}

export const PDF_OPTIONS = { pageSize: 'A4', printBackground: true, preferCSSPageSize: true } as const;

/** `createWindow` makes a hidden window (show: false, sandbox, javascript: false, no preload). */
export function electronPdfPrinter(createWindow: () => PrintWindowLike): PdfPrinter {
  return async (html) => {
    const w = createWindow();
    try {
      // A data: URL: the report is self-contained, so nothing else is ever loaded.
      await w.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
      return await w.webContents.printToPDF(PDF_OPTIONS);
    } finally {
      w.destroy();
    }
  };
}

/** The hidden print window: the app's hardened preferences, no preload, and no JavaScript at all (a report has none). */
export function printWindowOptions(): BrowserWindowOptionsLike & { webPreferences: { javascript: false } } {
  const { preload: _none, ...prefs } = secureWebPreferences('');
  return {
    width: 794,
    height: 1123,
    minWidth: 1,
    minHeight: 1,
    show: false,
    title: 'vIOMMU Lab report',
    backgroundColor: '#ffffff',
    webPreferences: { ...(prefs as BrowserWindowOptionsLike['webPreferences']), javascript: false },
  };
}
