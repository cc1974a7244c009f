// The script sandbox's worker: evaluates one transpiled script in QuickJS (WebAssembly) with a
// memory limit, a stack limit and a deadline, and posts back the DSL's JSON text or the error.
// Plain JavaScript so that it starts without a TypeScript loader. It is given only the code to
// run and holds nothing else; the script inside QuickJS sees only the DSL module — QuickJS has
// no require, process, timers, network or file system, and imports other than the DSL fail.
import { parentPort, workerData } from 'node:worker_threads';
import { newQuickJSWASMModuleFromVariant, newVariant, shouldInterruptAfterDeadline } from 'quickjs-emscripten-core';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';

const { runtimeJs, scriptJs, scriptModule, setsJson, timeoutMs, memoryLimitBytes, stackLimitBytes, maxResultChars } = workerData;
const MAX_STACK_TEXT = 4000;
const MAX_LOG_LINES = 200;
const MAX_LOG_CHARS = 100_000;
// The build's initial heap (16 MiB). QuickJS's own malloc limit cannot count allocations in this
// build (no malloc_usable_size), so the hard limit is the WebAssembly memory's maximum: past it,
// malloc fails and QuickJS throws 'out of memory'.
const INITIAL_PAGES = 256;
const PAGE = 65536;

// Results must depend only on the script and the seed: no ambient randomness or clock.
const PRELUDE = `
Math.random = function random() { throw new Error('Math.random() is not available in a script: results must depend only on the seed'); };
// console.* collects bounded text lines that the host shows; nothing else leaves the sandbox.
(function () {
  const lines = [];
  let chars = 0;
  const show = (v) => (typeof v === 'string' ? v : (() => { try { return JSON.stringify(v); } catch { return String(v); } })());
  const log = (level) => (...args) => {
    if (lines.length >= ${MAX_LOG_LINES} || chars > ${MAX_LOG_CHARS}) return;
    const text = (level ? level + ': ' : '') + args.map(show).join(' ');
    chars += text.length;
    lines.push(text.slice(0, 2000));
  };
  globalThis.console = { log: log(''), info: log(''), warn: log('warning'), error: log('error'), debug: log('') };
  // The lines stay private to this closure; the host keeps a handle to them (the prelude's value).
  globalThis.__viommuLabLogLines = lines;
})();
(function () {
  const noClock = function Date() { throw new Error('Date is not available in a script: results must not depend on the clock'); };
  noClock.now = noClock;
  noClock.parse = noClock;
  noClock.UTC = noClock;
  globalThis.Date = noClock;
})();
(function () {
  const lines = globalThis.__viommuLabLogLines;
  delete globalThis.__viommuLabLogLines;
  return lines;
})();
`;

const DRIVER = `
import { __expandForHost } from 'viommu-lab';
import * as script from '${scriptModule}';
globalThis.__viommuLabResult = __expandForHost(script.default, ${JSON.stringify(setsJson)}, ${Number(maxResultChars)});
`;

/**
 * Reads one property of a sandbox value as plain host data. A getter of the script's that throws
 * or returns something else than the expected type gives undefined: nothing the script defines
 * runs in, or reaches, the host beyond a string or a number it returns.
 */
function readProp(ctx, handle, key, type) {
  let h;
  try {
    h = ctx.getProp(handle, key);
  } catch {
    return undefined;
  }
  try {
    const t = ctx.typeof(h);
    if (t === 'string' && type === 'string') return ctx.getString(h);
    if (t === 'number' && type === 'number') return ctx.getNumber(h);
    return undefined;
  } finally {
    h.dispose();
  }
}

function errorInfo(ctx, handle) {
  if (ctx.typeof(handle) !== 'object') {
    let shown;
    try {
      const t = ctx.typeof(handle);
      shown = t === 'string' ? JSON.stringify(ctx.getString(handle).slice(0, 500)) : t === 'number' ? String(ctx.getNumber(handle)) : `a value of type ${t}`;
    } catch {
      shown = 'a value that cannot be read';
    }
    return { name: 'Error', message: `the script threw ${shown}` };
  }
  const stack = readProp(ctx, handle, 'stack', 'string');
  const name = readProp(ctx, handle, 'name', 'string');
  const message = readProp(ctx, handle, 'message', 'string');
  let site;
  const siteHandle = (() => {
    try {
      return ctx.getProp(handle, 'site');
    } catch {
      return undefined;
    }
  })();
  if (siteHandle !== undefined) {
    if (ctx.typeof(siteHandle) === 'object') {
      const line = readProp(ctx, siteHandle, 'line', 'number');
      const column = readProp(ctx, siteHandle, 'column', 'number');
      if (Number.isInteger(line) && Number.isInteger(column)) site = { line, column };
    }
    siteHandle.dispose();
  }
  return {
    name: name && name.length <= 100 ? name : 'Error',
    message: message !== undefined && message.trim() !== '' ? message.slice(0, 2000) : `the script threw ${name ? `a ${name.slice(0, 100)}` : 'an error'} whose message cannot be read (a getter that throws, or no message)`,
    stack: typeof stack === 'string' ? stack.slice(0, MAX_STACK_TEXT) : undefined,
    site,
  };
}

/** The console lines, read element by element from the prelude's private array, within the caps. */
function readLogs(ctx, linesHandle) {
  const logs = [];
  const length = readProp(ctx, linesHandle, 'length', 'number') ?? 0;
  let chars = 0;
  for (let i = 0; i < Math.min(length, MAX_LOG_LINES) && chars <= MAX_LOG_CHARS; i++) {
    const line = readProp(ctx, linesHandle, String(i), 'string');
    if (line === undefined) continue;
    const cut = line.slice(0, 2000);
    chars += cut.length;
    logs.push(cut);
  }
  if (length > MAX_LOG_LINES) logs.push(`(${length - MAX_LOG_LINES} more lines not shown)`);
  return logs;
}

function run() {
  const wasmMemory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: INITIAL_PAGES + Math.ceil(memoryLimitBytes / PAGE) });
  return newQuickJSWASMModuleFromVariant(newVariant(releaseSync, { wasmMemory })).then((qjs) => {
    const forbidden = [];
    const rt = qjs.newRuntime();
    rt.setMemoryLimit(memoryLimitBytes);
    rt.setMaxStackSize(stackLimitBytes);
    rt.setModuleLoader((name) => {
      if (name === 'viommu-lab') return runtimeJs;
      if (name === scriptModule) return scriptJs;
      forbidden.push(name);
      return { error: new Error(`FORBIDDEN: import of "${name}" is not available: a script can only import from 'viommu-lab'`) };
    });
    const ctx = rt.newContext();
    const prelude = ctx.evalCode(PRELUDE, 'prelude.js', { type: 'global' });
    if (prelude.error) throw new Error('sandbox prelude failed');
    const logLines = prelude.value;
    // The script's deadline starts after the prelude, which is ours (a loaded machine must not
    // interrupt it and fail every script).
    rt.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + timeoutMs));

    // From here on the host holds a hard deadline too, for work the interrupt handler cannot stop.
    parentPort.postMessage({ ready: true });
    const r = ctx.evalCode(DRIVER, 'driver.js', { type: 'module' });
    if (r.error) return { ok: false, error: errorInfo(ctx, r.error) };
    // A module with top-level await evaluates to a promise: run jobs until it settles.
    let state = ctx.getPromiseState(r.value);
    while (state.type === 'pending') {
      const jobs = rt.executePendingJobs();
      if (jobs.error) return { ok: false, error: errorInfo(ctx, jobs.error) };
      state = ctx.getPromiseState(r.value);
      if (state.type === 'pending' && jobs.value === 0) {
        return { ok: false, error: { name: 'Error', message: 'the script awaits a promise that never settles' } };
      }
    }
    if (state.type === 'rejected') return { ok: false, error: errorInfo(ctx, state.error) };
    // Jobs the script queued but never awaited (e.g. an un-awaited import()) still run, and are refused.
    rt.executePendingJobs();
    if (forbidden.length > 0) {
      return { ok: false, error: { name: 'Error', message: `FORBIDDEN: import of "${forbidden[0]}" is not available: a script can only import from 'viommu-lab'` } };
    }
    // Read as a plain string whatever the script did to the global (an accessor's answer is still
    // only text: the host re-parses and re-validates it, caps included).
    const json = readProp(ctx, ctx.global, '__viommuLabResult', 'string');
    if (json === undefined) return { ok: false, error: { name: 'Error', message: 'the sandbox produced no result' } };
    if (json.length > maxResultChars) return { ok: false, error: { name: 'Error', message: `LIMIT: the script produced ${json.length} characters of specs; the limit is ${maxResultChars}` } };
    return { ok: true, json, logs: readLogs(ctx, logLines) };
    // Nothing is disposed: the worker is terminated right after it answers.
  });
}

run().then(
  (result) => parentPort.postMessage(result),
  (e) => {
    const message = e instanceof Error ? e.message : String(e);
    parentPort.postMessage({ ok: false, error: { name: 'InternalError', message: /memory|OOM|allocation/i.test(message) ? 'out of memory' : message } });
  },
);
