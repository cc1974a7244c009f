/**
 * HTML → PDF with Chromium's engine (Blink's print path, the same one Electron's printToPDF
 * uses), driven by playwright-core: Debian's Chromium headless, with a fresh profile directory,
 * no network services, and every request the page makes refused (a report is self-contained).
 * Used by the CLI and the browser host; the Electron app prints with webContents.printToPDF.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PdfError } from '../common/errors';


export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The Chromium to print with: $VIOMMU_LAB_CHROMIUM, else chromium / chromium-browser / google-chrome on PATH. */
export function findChromium(explicit?: string): string | null {
  const want = explicit ?? process.env.VIOMMU_LAB_CHROMIUM;
  if (want) return existsSync(want) ? want : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean).concat(['/usr/bin'])) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
  }
  return null;
}

/** Print options shared by both routes: A4, the CSS @page margins, backgrounds printed. */
export const PRINT_OPTIONS = { format: 'A4', printBackground: true, preferCSSPageSize: true } as const;

export async function htmlToPdf(html: string, opts: { chromium?: string } = {}): Promise<Buffer> {
  const exe = findChromium(opts.chromium);
  if (exe === null) throw new PdfError(`PDF export needs Chromium: none found${opts.chromium ? ` at ${opts.chromium}` : ' on PATH'} (install Debian's chromium, or pass --chromium FILE)`);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'viommu-lab-pdf-'));
  try {
    const ctx = await chromium.launchPersistentContext(profile, { executablePath: exe, headless: true, args: CHROMIUM_FLAGS, offline: true });
    try {
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      return await page.pdf(PRINT_OPTIONS);
    } finally {
      await ctx.close();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
