/**
 * End-to-end harness: builds the renderer, starts the browser host on a fresh store in a temp
 * directory, and drives Debian's Chromium (headless, fresh profile) with playwright-core.
 * Chromium is looked up on PATH. Without it the e2e suites skip, saying why (scripts/test.mjs
 * lists skipped suites at the end); with CI set they fail instead: CI never skips them.
 */
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { WorkerPool } from '../../main/api/engine/pool';
import { createLabService, type LabServiceHandle } from '../../main/api/service';
import { htmlToPdf } from '../../main/report/pdf';
import type { Evaluate } from '../../main/api/pipeline/pipeline';
import { LabStore } from '../../main/store/store';
import { startWebHost, type WebHost } from '../../main/web/server';
// @ts-expect-error: a plain .mjs build script without type declarations
import { build } from '../../scripts/build.mjs';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const ARTIFACTS = join(ROOT, '.test-artifacts');

/** Debian's Chromium, the first `chromium` or `chromium-browser` on PATH. */
export const CHROMIUM = findOnPath(['chromium', 'chromium-browser']);

function findOnPath(names: readonly string[]): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '')) {
    for (const name of names) {
      const p = join(dir, name);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** True when the tests run in CI (the `CI` variable set to anything but empty, 0 or false). */
export const IN_CI = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

const MISSING = 'Chromium is not on PATH (apt-get install -y chromium)';

/**
 * The `skip` option of an e2e suite: the reason when Chromium is missing, so the suite is
 * reported as skipped; under CI never (the suite then fails in startLab, saying why).
 */
export const E2E_SKIP: string | false = CHROMIUM === undefined && !IN_CI ? MISSING : false;

// Each test process builds its own renderer copy: test files run in parallel processes.
const RENDERER = mkdtempSync(join(tmpdir(), 'viommu-lab-renderer-'));
process.on('exit', () => rmSync(RENDERER, { recursive: true, force: true }));
let built: Promise<void> | undefined;
export function buildRenderer(): Promise<void> {
  built ??= (build as (t: string[], dir: string) => Promise<void>)(['renderer'], RENDERER);
  return built;
}

export interface Lab {
  dir: string;
  store: LabStore;
  service: LabServiceHandle;
  host: WebHost;
  browser: BrowserContext;
  page: Page;
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startLab(opts: { workers?: number; evaluate?: Evaluate; resources?: string } = {}): Promise<Lab> {
  if (CHROMIUM === undefined) throw new Error(`${MISSING}; CI is set, and under CI the end-to-end tests fail rather than skip`);
  await buildRenderer();
  const dir = mkdtempSync(join(tmpdir(), 'viommu-lab-e2e-'));
  const store = LabStore.open(join(dir, 'lab.sqlite'));
  const service = createLabService({ store, executor: new WorkerPool({ size: opts.workers }), evaluate: opts.evaluate, resources: opts.resources, printPdf: (html) => htmlToPdf(html) });
  const host = await startWebHost({ service, rendererDir: RENDERER, log: () => {} });
  // A fresh --user-data-dir per test (playwright takes it as the persistent context's directory).
  const browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.launchUrl());
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    dir,
    store,
    service,
    host,
    browser,
    page,
    async shot(name) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async close() {
      await browser.close().catch(() => {});
      await host.close();
      await service.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    },
  };
}
