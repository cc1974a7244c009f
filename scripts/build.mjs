// Builds what the workbench runs from app/dist: the renderer (with Monaco and its workers, all
// local), and the Electron main script, preload and engine worker as CommonJS bundles.
// `node scripts/build.mjs [renderer|shell]…` builds a subset; no argument builds everything.
import { copyFile } from 'node:fs/promises';
import { build as esbuild } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'app', 'dist');
export const RENDERER_DIST = join(DIST, 'renderer');
const monaco = (p) => join(ROOT, 'node_modules', 'monaco-editor', 'esm', 'vs', p);

async function buildRenderer(out = RENDERER_DIST) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const common = { bundle: true, minify: true, sourcemap: false, target: 'chrome120', logLevel: 'warning', legalComments: 'none' };
  await Promise.all([
    esbuild({
      ...common,
      entryPoints: { app: join(ROOT, 'renderer', 'main.ts') },
      outdir: out,
      format: 'iife',
      loader: { '.ttf': 'file' },
      assetNames: 'assets/[name]-[hash]',
    }),
    esbuild({
      ...common,
      entryPoints: {
        'workers/editor': monaco('editor/editor.worker.js'),
        'workers/ts': monaco('language/typescript/ts.worker.js'),
        'workers/json': monaco('language/json/json.worker.js'),
      },
      outdir: out,
      format: 'iife',
    }),
  ]);
  copyFileSync(join(ROOT, 'renderer', 'index.html'), join(out, 'index.html'));
}

/** Options of the CommonJS bundles that run in Electron's main process and its workers. */
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  // Native or WebAssembly packages load from app/node_modules at run time; typescript is only
  // used by the CLI's `check`, never by the app.
  external: ['electron', 'better-sqlite3', 'esbuild', 'quickjs-emscripten-core', '@jitl/quickjs-wasmfile-release-sync', 'typescript'],
  // import.meta.url in CommonJS: the bundle's own file URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/**
 * The script sandbox's files, next to the bundles that use it (main/script finds them relative
 * to its own module, which is the bundle there): its worker and the DSL runtime it injects.
 */
export async function buildScriptSandbox(dir) {
  mkdirSync(dir, { recursive: true });
  // The DSL runtime's build result (with its metafile: the CLI bundle records its inputs).
  const [runtime] = await Promise.all([
    esbuild({
      entryPoints: [join(ROOT, 'main', 'script', 'dsl', 'runtime.ts')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      legalComments: 'none',
      logLevel: 'warning',
      outfile: join(dir, 'dsl-runtime.mjs'),
      metafile: true,
      absWorkingDir: ROOT,
    }),
    copyFile(join(ROOT, 'main', 'script', 'sandbox-worker.mjs'), join(dir, 'sandbox-worker.mjs')),
  ]);
  return runtime;
}

/**
 * The preload runs in Electron's sandboxed preload, not in Node: its source is wrapped in a
 * function of `require` (electron, events, timers and url only), `process` (a small subset),
 * `Buffer`, `global`, `setImmediate` and `clearImmediate` — no `__filename`, `__dirname` or
 * other Node module. So it is one self-contained CommonJS file for the browser, without the
 * Node banner above (which reads `__filename` and threw there before the API was exposed).
 */
export const PRELOAD_BUNDLE = {
  bundle: true,
  platform: 'browser',
  format: 'cjs',
  target: 'chrome120',
  logLevel: 'warning',
  legalComments: 'none',
  external: ['electron'],
};

/** The Electron main script, its preload and the engine worker (and the script sandbox) into `dir`. */
export async function buildShell(dir = DIST) {
  mkdirSync(dir, { recursive: true });
  await Promise.all([
    buildScriptSandbox(dir),
    esbuild({ ...NODE_BUNDLE, entryPoints: [join(ROOT, 'main', 'shell', 'main.ts')], outfile: join(dir, 'main.cjs') }),
    esbuild({ ...PRELOAD_BUNDLE, entryPoints: [join(ROOT, 'main', 'shell', 'preload.ts')], outfile: join(dir, 'preload.cjs') }),
    esbuild({ ...NODE_BUNDLE, entryPoints: [join(ROOT, 'main', 'api', 'engine', 'worker.ts')], outfile: join(dir, 'engine-worker.cjs') }),
  ]);
}

/** `rendererDir` builds the renderer somewhere else (tests build their own copy, so parallel runs never share files). */
export async function build(targets = ['renderer', 'shell'], rendererDir = RENDERER_DIST) {
  if (targets.includes('renderer')) await buildRenderer(rendererDir);
  if (targets.includes('shell')) await buildShell();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const t0 = Date.now();
  await build(args.length ? args : undefined);
  console.error(`built ${args.length ? args.join(', ') : 'renderer, shell'} into app/dist in ${Date.now() - t0} ms`);
}
