// The bundled command line. bin/viommu-lab.mjs runs build/cli/<build>/cli.cjs: main/cli bundled
// by esbuild (as the app's bundles are, scripts/build.mjs), with the engine worker and the script
// sandbox's files beside it, so `npx viommu-lab` starts without loading TypeScript through tsx.
// It is built on the first run and again whenever a file it was built from changed (each input's
// mtime is recorded in build/cli/current.json), so a checkout never runs a stale CLI. Each build
// goes to a folder of its own and current.json is replaced by a rename, so processes starting at
// the same time (a parallel test run) never see half a build.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'build', 'cli');
const CURRENT = join(OUT, 'current.json');
/** Builds kept besides the current one (a process may still be starting workers from them). */
const KEEP = 3;

/** The current bundle's cli.cjs if every input is as it was built from, else null. Costs one stat per input. */
export function freshBundle() {
  let cur;
  try {
    cur = JSON.parse(readFileSync(CURRENT, 'utf8'));
  } catch {
    return null;
  }
  const cli = join(OUT, cur.dir, 'cli.cjs');
  if (!existsSync(cli)) return null;
  for (const [file, mtime] of Object.entries(cur.inputs)) {
    const st = statSync(join(ROOT, file), { throwIfNoEntry: false });
    if (st === undefined || st.mtimeMs !== mtime) return null;
  }
  return cli;
}

/** Builds the bundle into a new folder, makes it current, and returns its cli.cjs. */
export async function buildCliBundle() {
  const { build } = await import('esbuild');
  const { NODE_BUNDLE, buildScriptSandbox } = await import('./build.mjs');
  const name = `b${Date.now().toString(36)}-${process.pid}`;
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const common = { ...NODE_BUNDLE, absWorkingDir: ROOT, metafile: true, logLevel: 'silent' };
  const results = await Promise.all([
    // playwright-core (PDF export) is loaded from node_modules when a PDF is asked for.
    build({ ...common, external: [...NODE_BUNDLE.external, 'playwright-core'], entryPoints: ['main/cli/main.ts'], outfile: join(dir, 'cli.cjs') }),
    build({ ...common, entryPoints: ['main/api/engine/worker.ts'], outfile: join(dir, 'engine-worker.cjs') }),
    buildScriptSandbox(dir),
  ]);
  const inputs = {};
  const record = (file) => {
    inputs[file] = statSync(join(ROOT, file)).mtimeMs;
  };
  for (const r of results) for (const file of Object.keys(r?.metafile?.inputs ?? {})) record(file);
  record('main/script/sandbox-worker.mjs');
  record('scripts/build.mjs');
  record('scripts/cli-bundle.mjs');
  const tmp = `${CURRENT}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ dir: name, inputs }));
  renameSync(tmp, CURRENT);
  const old = readdirSync(OUT)
    .filter((d) => d !== name && /^b[0-9a-z]+-\d+$/.test(d))
    .sort((a, b) => statSync(join(OUT, b)).mtimeMs - statSync(join(OUT, a)).mtimeMs);
  for (const d of old.slice(KEEP)) rmSync(join(OUT, d), { recursive: true, force: true });
  return join(dir, 'cli.cjs');
}

/** The bundle to run: the current one, or a fresh build; null when it cannot be built here (a read-only checkout). */
export async function cliBundle() {
  const fresh = freshBundle();
  if (fresh !== null) return fresh;
  try {
    return await buildCliBundle();
  } catch {
    return null;
  }
}
