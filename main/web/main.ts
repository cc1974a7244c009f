/**
 * `npm start` without an Electron binary: the browser host on loopback, opened in Chromium
 * (as an app window with its own profile) when one is installed, else a one-time link is printed.
 * No credential is ever on a command line: Chromium gets the path of a private launch page
 * (launch-page.ts), this process gets none. Stops cleanly on Ctrl+C or when the browser closes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerPool } from '../api/engine/pool';
import { createLabService } from '../api/service';
import { htmlToPdf } from '../report/pdf';
import { dbPathFromArgs } from '../store/paths';
import { LabStore } from '../store/store';
import { writeLaunchPage } from './launch-page';
import { startWebHost } from './server';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser to open: $VIOMMU_LAB_BROWSER (a Chromium-compatible binary) or the first installed candidate. */
export function browserBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.VIOMMU_LAB_BROWSER || CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}

export async function main(argv: string[]): Promise<number> {
  const noBrowser = argv.includes('--no-browser');
  const rendererDir = join(ROOT, 'app', 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write('viommu-lab: the renderer is not built; run `npm run build` first\n');
    return 1;
  }
  const dbPath = dbPathFromArgs(argv);
  const store = LabStore.open(dbPath);
  // Reports print to PDF with the same Chromium engine the CLI uses.
  const service = createLabService({ store, executor: new WorkerPool(), printPdf: (html) => htmlToPdf(html) });
  const host = await startWebHost({ service, rendererDir });
  process.stdout.write(`vIOMMU Lab is running at ${host.url}\n(database ${dbPath}; Ctrl+C stops it)\n`);
  const printLink = (why: string): void => void process.stdout.write(`${why}: open this one-time link in a browser: ${host.launchUrl()}\n`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await service.close();
    store.close();
  };
  const chromium = browserBinary();
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  let removeLaunchPage = (): void => {};
  const done = new Promise<void>((resolveDone) => {
    process.once('SIGINT', () => resolveDone());
    process.once('SIGTERM', () => resolveDone());
    if (noBrowser) printLink('--no-browser');
    else if (chromium === undefined) printLink('No Chromium found');
    else if (!hasDisplay) printLink('No display');
    else {
      const profile = join(dirname(dbPath), 'chromium-profile');
      mkdirSync(profile, { recursive: true });
      const page = writeLaunchPage(dirname(dbPath), host.launchUrl());
      removeLaunchPage = page.remove;
      host.onLaunch(() => page.remove());
      const child = spawn(chromium, [`--app=${page.url}`, `--user-data-dir=${profile}`, '--no-first-run', '--no-default-browser-check', '--disable-sync', '--window-size=1440,900'], {
        stdio: 'ignore',
      });
      child.on('error', (e) => {
        page.remove();
        printLink(`could not start ${chromium} (${e.message})`);
      });
      child.on('exit', () => resolveDone());
    }
  });
  await done;
  removeLaunchPage();
  await stop();
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`viommu-lab: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
