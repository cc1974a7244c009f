// The packaged app's file layout, built here for real: the app folder electron-builder packs
// (app/package.json, the bundles of scripts/build.mjs, the runtime packages and their production
// dependencies), packed into app.asar with @electron/asar and electron-builder's own matcher
// over electron-builder.yml's `asarUnpack`. Then:
// - no native or WebAssembly file, and no worker entry, is left inside the archive;
// - the app's code runs from the archive the way Electron presents it (its fs reads through
//   app.asar; here the archive is extracted in place to stand for that view), under limits a
//   preload hook enforces: a spawned binary must be a real file (Electron's asar docs: only
//   execFile is asar-aware), and so must a worker thread's entry (the app's packaging contract —
//   Electron documents no asar support for an ES-module worker entry — which also means each
//   package a worker imports must be unpacked). It evaluates a TypeScript script (esbuild, then
//   the QuickJS sandbox worker), runs a spec in the engine worker and opens the store
//   (better-sqlite3) — the workers start from app.asar.unpacked, where Node sees only what was
//   unpacked, so a worker import of a packed package fails here as it would in the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, closeSync, rmSync, writeFileSync, createReadStream, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { createPackageFromStreams, extractAll, getRawHeader, type AsarStreamType } from '@electron/asar';
import { build } from 'esbuild';
// @ts-expect-error plain ESM build script without declarations
import { buildShell, NODE_BUNDLE } from '../../scripts/build.mjs';

const root = new URL('../../', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const { FileMatcher } = require('app-builder-lib/out/fileMatcher') as {
  FileMatcher: new (from: string, to: string, expand: (s: string) => string, patterns: string[]) => { createFilter(): (file: string, stat: Stats) => boolean };
};
const { getConfig } = require('app-builder-lib/out/util/config/config') as { getConfig(dir: string, file: string, o: null): Promise<{ asarUnpack?: string[] }> };

/** The runtime packages of app/package.json and their production dependencies (installed ones), as electron-builder collects them. */
function productionPackages(): string[] {
  const app = JSON.parse(readFileSync(join(root, 'app', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name) || !existsSync(join(root, 'node_modules', name, 'package.json'))) return;
    seen.add(name);
    const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const d of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(d);
  };
  for (const d of Object.keys(app.dependencies)) visit(d);
  return [...seen].sort();
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    out.push(p);
    if (lstatSync(p).isDirectory()) walk(p, out);
  }
  return out;
}

/** A file that must be a real file on disk: a native module, WebAssembly, or an executable (ELF, Mach-O, PE). */
function isNativeOrWasm(file: string): boolean {
  if (/\.(node|wasm|so|dylib|dll|exe)$/.test(file)) return true;
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(4);
  readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  const magic = head.toString('hex');
  return magic === '7f454c46' || magic === '0061736d' || magic === 'cffaedfe' || magic === 'cefaedfe' || magic === 'cafebabe' || head.subarray(0, 2).toString() === 'MZ';
}

/** Spawned binaries (Electron's documented limit) and worker entries (the packaging contract) must be real files. */
const ELECTRON_ASAR_LIMITS = `
const inAsar = (p) => { const s = String(p instanceof URL ? p.pathname : p); return /[\\\\/]app\\.asar[\\\\/]/.test(s); };
const started = [];
const wt = require('node:worker_threads');
const RealWorker = wt.Worker;
wt.Worker = class extends RealWorker {
  constructor(file, opts) {
    if (inAsar(file)) throw new Error('a worker thread must start from a real (unpacked) file, not from inside app.asar: ' + file);
    started.push('worker ' + String(file));
    super(file, opts);
  }
};
const cp = require('node:child_process');
const realSpawn = cp.spawn;
cp.spawn = function (file, ...rest) {
  if (inAsar(file)) throw new Error('Electron cannot spawn a binary inside app.asar (only execFile is asar-aware): ' + file);
  started.push('spawn ' + file);
  return realSpawn.call(this, file, ...rest);
};
process.on('exit', () => process.stderr.write('STARTED ' + JSON.stringify(started) + '\\n'));
`;

/** The app's code as a probe: the packaged environment, a script evaluation, one engine run, the store. */
const PROBE = `
import { applyPackagedEnvironment } from './main/shell/packaged';
import { WorkerPool } from './main/api/engine/pool';
import { loadProfile } from './main/api/profiles';
import { evaluateScript } from './main/script/api';
import { LabStore } from './main/store/store';
export async function probe(resourcesPath: string, source: string, db: string): Promise<string> {
  applyPackagedEnvironment(resourcesPath, __filename);
  // A generous deadline: the machine may be loaded, and the limit is not what is tested here.
  const experiment = await evaluateScript(source, 'baseline.ts', { timeoutMs: 60_000 });
  const spec = { ...experiment.specs[0]!, duration: 200_000 };
  const pool = new WorkerPool({ size: 1 });
  const outcome = await pool.run(spec, loadProfile(spec.profile.base, spec.profile.overrides), () => {}).outcome;
  await pool.close();
  const store = LabStore.open(db);
  store.close();
  return JSON.stringify({ name: experiment.name, specs: experiment.specs.length, status: outcome.status, message: 'message' in outcome ? outcome.message : '', metrics: outcome.status === 'done' ? Object.keys(outcome.result.scalars).length : 0, esbuild: process.env.ESBUILD_BINARY_PATH });
}
`;

test('the packaged app: natives and WebAssembly unpacked, and both workers start and work from a real asar', async (t) => {
  const stage = mkdtempSync(join(tmpdir(), 'viommu-asar-'));
  t.after(() => rmSync(stage, { recursive: true, force: true }));
  const appDir = join(stage, 'app');
  mkdirSync(appDir);
  cpSync(join(root, 'app', 'package.json'), join(appDir, 'package.json'));
  await (buildShell as (d: string) => Promise<void>)(join(appDir, 'dist'));
  await build({ ...NODE_BUNDLE, stdin: { contents: PROBE, resolveDir: root, loader: 'ts' }, outfile: join(appDir, 'dist', 'probe.cjs') });
  const packages = productionPackages();
  for (const p of ['better-sqlite3', 'esbuild', 'quickjs-emscripten-core', '@jitl/quickjs-wasmfile-release-sync']) assert.ok(packages.includes(p), p);
  for (const p of packages) cpSync(join(root, 'node_modules', p), join(appDir, 'node_modules', p), { recursive: true, dereference: true });

  // Pack as electron-builder does: every file, unpacked where its asarUnpack matcher says so.
  const { asarUnpack = [] } = await getConfig(root, 'electron-builder.yml', null);
  const unpack = new FileMatcher(appDir, appDir, (s) => s, asarUnpack).createFilter();
  const files = walk(appDir);
  const unpacked = new Set(files.filter((f) => lstatSync(f).isFile() && unpack(f, lstatSync(f))));
  const streams: AsarStreamType[] = files.map((f) => {
    const stat = lstatSync(f);
    const path = relative(appDir, f);
    return stat.isDirectory() ? { type: 'directory', path, unpacked: false } : { type: 'file', path, unpacked: unpacked.has(f), stat, streamGenerator: () => createReadStream(f) };
  });
  const packed = join(stage, 'packed', 'resources');
  await createPackageFromStreams(join(packed, 'app.asar'), streams);

  // Nothing that must be a real file stayed in the archive.
  const header = getRawHeader(join(packed, 'app.asar')).header as { files?: Record<string, unknown> };
  const inArchive: string[] = [];
  const visit = (node: { files?: Record<string, unknown>; unpacked?: boolean }, at: string): void => {
    if (node.files) for (const [k, v] of Object.entries(node.files)) visit(v as typeof node, at ? `${at}/${k}` : k);
    else if (!node.unpacked) inArchive.push(at);
  };
  visit(header, '');
  assert.ok(inArchive.includes('dist/main.cjs') && inArchive.includes('dist/dsl-runtime.mjs'), 'the app itself is in the archive');
  const mustBeReal = inArchive.filter((f) => isNativeOrWasm(join(appDir, f)));
  assert.deepEqual(mustBeReal, [], 'native, executable or WebAssembly files packed inside app.asar');
  for (const w of ['dist/engine-worker.cjs', 'dist/sandbox-worker.mjs']) assert.ok(existsSync(join(packed, 'app.asar.unpacked', w)), `${w} is unpacked`);

  // Electron's view of resources/: the archive read through (extracted in place), the unpacked
  // folder beside it, and extraResources.
  const view = join(stage, 'view', 'resources');
  extractAll(join(packed, 'app.asar'), join(view, 'app.asar'));
  cpSync(join(packed, 'app.asar.unpacked'), join(view, 'app.asar.unpacked'), { recursive: true });
  cpSync(join(root, 'resources'), join(view, 'resources'), { recursive: true, filter: (s) => !s.includes(`${sep}examples${sep}tsconfig`) });
  const hook = join(stage, 'electron-asar-limits.cjs');
  writeFileSync(hook, ELECTRON_ASAR_LIMITS);
  const source = readFileSync(join(root, 'resources', 'examples', 'baseline.ts'), 'utf8');
  const probeFile = join(view, 'app.asar', 'dist', 'probe.cjs');
  const call = `require(${JSON.stringify(probeFile)}).probe(process.argv[1], process.argv[2], process.argv[3]).then((r) => console.log(r), (e) => { console.error(e.stack); process.exit(1); })`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--require', hook, '-e', call, view, source, join(stage, 'lab.sqlite')], {
    cwd: stage,
    env: { PATH: process.env.PATH, HOME: stage, NODE_OPTIONS: '' },
    timeout: 120_000,
  }).catch((e: { stdout: string; stderr: string }) => assert.fail(`the packaged app failed:\n${e.stderr}\n${e.stdout}`));
  const result = JSON.parse(stdout.trim()) as { name: string; specs: number; status: string; message: string; metrics: number; esbuild: string };
  assert.equal(result.name, 'baseline: dma-direct, no IOMMU');
  assert.equal(result.specs, 12);
  assert.equal(result.status, 'done', result.message);
  assert.ok(result.metrics > 10);
  assert.equal(result.esbuild, join(view, 'app.asar.unpacked', 'node_modules', '@esbuild', `${process.platform}-${process.arch}`, 'bin', 'esbuild'));
  const started = JSON.parse(/STARTED (.*)/.exec(stderr)![1]!) as string[];
  const unpackedDir = join(view, 'app.asar.unpacked');
  assert.ok(started.includes(`worker ${join(unpackedDir, 'dist', 'sandbox-worker.mjs')}`), started.join('\n'));
  assert.ok(started.includes(`worker ${join(unpackedDir, 'dist', 'engine-worker.cjs')}`), started.join('\n'));
  assert.ok(started.includes(`spawn ${result.esbuild}`), started.join('\n'));
  assert.ok(dirname(result.esbuild).startsWith(unpackedDir));
});
