// Builds the bundled command line that bin/viommu-lab.cjs runs: main/cli bundled by esbuild (as the
// app's bundles are, scripts/build.mjs) into build/cli/<build>/cli.cjs, with the engine worker and
// the script sandbox's files beside it, so `npx viommu-lab` starts without loading TypeScript
// through tsx. bin/viommu-lab.cjs checks that the current build is fresh (each input's mtime is
// recorded in build/cli/current.json) and calls buildCliBundle() when it is not, so a checkout never
// runs a stale CLI. Each build goes to a folder of its own and current.json is replaced by a rename,
// so processes starting at the same time (a parallel test run) never see half a build.
//
// current.json also keeps the `--help` text (main/cli/usage.ts, bundled on its own as help.cjs and
// evaluated here) with the few inputs it came from, so `viommu-lab --help` prints it after a stat of
// those files, without loading or checking the whole CLI.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'build', 'cli');
const CURRENT = join(OUT, 'current.json');
/** Builds kept besides the current one (a process may still be starting workers from them). */
const KEEP = 3;
/** Files that decide what a build contains besides its esbuild inputs. */
const BUILD_SCRIPTS = ['scripts/build.mjs', 'scripts/cli-bundle.mjs'];

/**
 * better-sqlite3's JavaScript goes into the CLI bundle (and its code cache) instead of a dozen
 * files loaded from node_modules at each start; its native addon, which it finds through the
 * `bindings` package from its own location, is named here instead: the file `bindings` finds
 * for it now (the bundle is rebuilt when better-sqlite3's files change, as on a reinstall).
 */
function nativeAddon() {
  const req = createRequire(join(ROOT, 'package.json'));
  const dir = dirname(req.resolve('better-sqlite3/package.json'));
  const addon = createRequire(join(dir, 'package.json'))('bindings')({ bindings: 'better_sqlite3.node', module_root: dir, path: true });
  /** The addon's path as the build's inputs are named (relative to the checkout): a change of it rebuilds. */
  const file = relative(ROOT, addon);
  const plugin = {
    name: 'better-sqlite3-addon',
    setup(b) {
      b.onResolve({ filter: /^bindings$/ }, (args) => (args.importer.startsWith(dir) ? { path: 'bindings', namespace: 'better-sqlite3-addon' } : undefined));
      b.onResolve({ filter: /\.node$/, namespace: 'better-sqlite3-addon' }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'better-sqlite3-addon' }, () => ({ contents: `module.exports = () => require(${JSON.stringify(addon)});`, loader: 'js' }));
    },
  };
  return { file, plugin };
}

/**
 * esbuild's JavaScript API, loaded at its first call instead of when the bundle starts: main/script
 * imports it to transpile a TypeScript script and (from the sources) to build the DSL runtime,
 * which the bundle has prebuilt beside it (dsl-runtime.mjs), so a command that runs no script
 * never calls it; loading it anyway cost every command ~16 ms of CPU here (node_modules/esbuild's
 * main.js and the modules it requires, with no code cache).
 */
const lazyEsbuild = {
  name: 'lazy-esbuild',
  setup(b) {
    b.onResolve({ filter: /^esbuild$/ }, (args) => (args.namespace === 'lazy-esbuild' ? { path: 'esbuild', external: true } : { path: 'esbuild', namespace: 'lazy-esbuild' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-esbuild' }, () => ({
      // What main/script imports of it (another name fails this build: "No matching export").
      contents: `let api;\nexport function build(options) {\n  return (api ??= require('esbuild')).build(options);\n}\n`,
      loader: 'js',
    }));
  },
};

/**
 * Node built-ins that modules of the bundle import at their top for a use some commands never
 * reach, loaded at that first use instead (each is a few ms of built-in modules to compile at
 * start): worker threads (the engine pool of a sweep, the script sandbox) and fs/promises (the
 * DSL runtime's file, which pulls in readline and more). Each shim has exactly the names imported
 * (another name fails this build: "No matching export"); `new Worker(...)` returns the real one.
 */
const LAZY_BUILTINS = {
  'node:worker_threads': `export class Worker {\n  constructor(...args) {\n    return new (require('node:worker_threads').Worker)(...args);\n  }\n}\n`,
  'node:fs/promises': `export function readFile(...args) {\n  return require('node:fs/promises').readFile(...args);\n}\n`,
};
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const names = Object.keys(LAZY_BUILTINS).map((m) => m.replace(/[/]/g, '\\/'));
    b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => (args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy-builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({ contents: LAZY_BUILTINS[args.path], loader: 'js' }));
  },
};

/** Builds the bundle into a new folder, makes it current, and returns its cli.cjs. */
export async function buildCliBundle() {
  const { build } = await import('esbuild');
  const { NODE_BUNDLE, buildScriptSandbox } = await import('./build.mjs');
  const name = `b${Date.now().toString(36)}-${process.pid}`;
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const common = { ...NODE_BUNDLE, absWorkingDir: ROOT, metafile: true, logLevel: 'silent' };
  const addon = nativeAddon();
  const [cli, worker, sandbox, help] = await Promise.all([
    // playwright-core (PDF export) is loaded from node_modules when a PDF is asked for. Its
    // import() becomes a require(): bin/viommu-lab.cjs compiles the bundle through node:vm (to use
    // V8's code cache), where an import() has no module loader to go to.
    // Without whitespace and comments the bundle is a third smaller and plain ASCII (the comments
    // held the only other characters), which bin/viommu-lab.cjs reads as a one-byte string at
    // every start: a source with one non-ASCII character is a two-byte string of twice the size,
    // slower to decode and to compile from the code cache (~10 ms of each start here).
    build({
      ...common,
      minifyWhitespace: true,
      external: [...NODE_BUNDLE.external.filter((m) => m !== 'better-sqlite3'), 'playwright-core'],
      plugins: [addon.plugin, lazyEsbuild, lazyBuiltins],
      supported: { 'dynamic-import': false },
      entryPoints: ['main/cli/main.ts'],
      outfile: join(dir, 'cli.cjs'),
    }),
    build({ ...common, entryPoints: ['main/api/engine/worker.ts'], outfile: join(dir, 'engine-worker.cjs') }),
    buildScriptSandbox(dir),
    build({ ...common, entryPoints: ['main/cli/usage.ts'], outfile: join(dir, 'help.cjs') }),
  ]);
  const mtimes = (files) => Object.fromEntries(files.map((file) => [file, statSync(join(ROOT, file)).mtimeMs]));
  // A plugin's own modules (namespace:name) are not files.
  const inputsOf = (...results) => results.flatMap((r) => Object.keys(r?.metafile?.inputs ?? {})).filter((f) => !/^[a-z0-9-]+:/.test(f));
  const inputs = mtimes([...new Set([...inputsOf(cli, worker, sandbox, help), 'main/script/sandbox-worker.mjs', addon.file, ...BUILD_SCRIPTS])]);
  const { USAGE, HELP_VERBS, COMMANDS } = createRequire(import.meta.url)(join(dir, 'help.cjs'));
  const helpInputs = [...new Set([...inputsOf(help), ...BUILD_SCRIPTS])];
  const tmp = `${CURRENT}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ dir: name, inputs, commands: COMMANDS, help: { text: USAGE, verbs: HELP_VERBS, inputs: helpInputs } }));
  renameSync(tmp, CURRENT);
  const old = readdirSync(OUT)
    .filter((d) => d !== name && /^b[0-9a-z]+-\d+$/.test(d))
    .sort((a, b) => statSync(join(OUT, b)).mtimeMs - statSync(join(OUT, a)).mtimeMs);
  for (const d of old.slice(KEEP)) rmSync(join(OUT, d), { recursive: true, force: true });
  return join(dir, 'cli.cjs');
}
