#!/usr/bin/env node
// Entry point for `npx viommu-lab`: the CLI bundled by esbuild (scripts/cli-bundle.mjs builds it on
// the first run and again whenever one of its sources changed), or the TypeScript sources through
// tsx's loader when it cannot be built here or VIOMMU_LAB_CLI=source asks for them.
//
// It is CommonJS and loads nothing it does not need, because it is on every command's start-up path
// (ESM's loader alone costs a Node process several ms more):
// - `--help` (and no command) prints the usage text kept in build/cli/current.json once the few
//   files it comes from are unchanged, without loading or checking the whole bundle;
// - otherwise, once every input of the bundle is found unchanged (else it is rebuilt), the bundle is
//   compiled with V8's code cache of an earlier run of the same command beside it (cli.<verb>.v8cache:
//   the bytecode of every function that run compiled, so neither the 1 MB parse nor lazy compilation
//   is paid again; V8 rejects a cache that does not match the source or its flags, and then it is
//   written anew). Stat'ing the inputs on libuv's threads instead costs this thread as much.
'use strict';
const { readFileSync, renameSync, statSync, writeFileSync, writeSync } = require('node:fs');
const { dirname, join } = require('node:path');

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'build', 'cli');

function readCurrent() {
  try {
    return JSON.parse(readFileSync(join(OUT, 'current.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** The usage text when `argv` asks for it and the files it was made from are unchanged, else null. */
function freshHelp(cur, argv) {
  const help = cur?.help;
  if (help === undefined || (argv.length > 0 && !help.verbs.includes(argv[0]))) return null;
  return inputsUnchanged(cur, help.inputs) ? help.text : null;
}

/** Whether every input of the build has the mtime it was built from (one stat each: ~300 files, a few ms). */
function inputsUnchanged(cur, files = Object.keys(cur.inputs)) {
  for (const file of files) {
    // The build names inputs relative to the checkout with '/' (esbuild's metafile): only those
    // that climb out of it ('../') need join's normalising, which cost a third of this loop.
    const st = statSync(file.startsWith('.') ? join(ROOT, file) : `${ROOT}/${file}`, { throwIfNoEntry: false });
    if (st === undefined || st.mtimeMs !== cur.inputs[file]) return false;
  }
  return true;
}

/**
 * Compiles a CommonJS bundle with the code cache of an earlier run of the same command (one cache
 * per command of the build's list: each holds the functions that command compiled; anything else
 * shares one); `run()` evaluates the bundle and returns its exports.
 */
function compileBundle(file, command) {
  const vm = require('node:vm');
  const cacheFile = join(dirname(file), `cli.${command}.v8cache`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // Read as Latin-1 when the bundle is ASCII (as scripts/cli-bundle.mjs makes it): the same text,
  // without UTF-8 decoding.
  const bytes = readFileSync(file);
  const source = bytes.toString(require('node:buffer').isAscii(bytes) ? 'latin1' : 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  return {
    run() {
      const mod = { exports: {} };
      script.runInThisContext().call(mod.exports, mod.exports, require('node:module').createRequire(file), mod, file, dirname(file));
      return mod.exports;
    },
    /** Writes the code cache once the command ran (so it holds every function compiled); best effort, as the build is. */
    saveCache() {
      if (cachedData !== undefined && !script.cachedDataRejected) return;
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // a read-only checkout: run without a cache
      }
    },
  };
}

/** The bundled CLI: { main, saveCache }, or null when it cannot be built here (a read-only checkout, no esbuild). */
async function bundledMain(cur, verb) {
  const command = (known) => (known?.includes(verb) ? verb : 'other');
  let compiled = null;
  if (cur !== null && inputsUnchanged(cur)) {
    try {
      compiled = compileBundle(join(OUT, cur.dir, 'cli.cjs'), command(cur.commands));
    } catch {
      compiled = null; // a build removed under us
    }
  }
  if (compiled === null) {
    try {
      const { buildCliBundle } = await import('../scripts/cli-bundle.mjs');
      compiled = compileBundle(await buildCliBundle(), command(readCurrent()?.commands));
    } catch {
      return null;
    }
  }
  const cli = compiled.run();
  return { main: cli.main, outputPending: cli.outputPending, saveCache: compiled.saveCache };
}

async function sourceMain() {
  const { register } = await import('tsx/esm/api');
  register();
  const cli = await import('../main/cli/main.ts');
  return { main: cli.main, outputPending: cli.outputPending, saveCache() {} };
}

/**
 * Writes the usage text to fd 1 directly on Linux, where process.stdout's writes are synchronous
 * too: creating that stream (for a pipe a net.Socket and its modules) would cost the help several
 * ms. A failed write leaves the rest to the stream, as main/cli/io.ts does.
 */
function writeOut(text) {
  const bytes = Buffer.from(text, 'utf8');
  let off = 0;
  if (process.platform === 'linux') {
    try {
      while (off < bytes.length) off += writeSync(1, bytes, off);
      return;
    } catch {
      // the stream takes what is left
    }
  }
  process.stdout.write(bytes.subarray(off));
}

async function start() {
  const argv = process.argv.slice(2);
  const bundled = process.env.VIOMMU_LAB_CLI !== 'source';
  const cur = bundled ? readCurrent() : null;
  if (bundled) {
    const text = freshHelp(cur, argv);
    if (text !== null) {
      writeOut(text);
      process.exitCode = argv.length === 0 ? 2 : 0;
      return;
    }
  }
  const cli = (bundled ? await bundledMain(cur, argv[0]) : null) ?? (await sourceMain());
  const code = await cli.main(argv);
  cli.saveCache();
  process.exitCode = code;
  // The command is over (its store closed, its workers ended). Once its output is written (as it
  // is at once on Linux), end now: else Node first finishes garbage-collector work still pending
  // from the run, an old-space collection of 10-30 ms here that nothing needs. (main/cli/io.ts
  // says when output can still be queued; asking the streams themselves would create them.)
  const pending = cli.outputPending?.() ?? (process.stdout.writableLength > 0 || process.stderr.writableLength > 0);
  if (!pending) process.exit();
}

void start();
