// The built preload (app/dist/preload.cjs, as scripts/build.mjs makes it) run the way Electron
// runs a sandboxed preload: its text compiled as the body of a function of `require`, `process`,
// `exports`, `module`, `Buffer`, `global`, `setImmediate` and `clearImmediate`, in a context with
// no Node globals (no `__filename`, `__dirname`, Node's `require` or `process`). `require` knows
// only what Electron's sandboxed preload offers — electron (contextBridge and ipcRenderer stubbed
// here), events, timers, url — and throws "module not found" for anything else, as Electron does
// (lib/sandboxed_renderer/preload.ts). The page must get one function per API operation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as timers from 'node:timers';
import * as url from 'node:url';
import vm from 'node:vm';
import { ipcChannel, OPERATION_NAMES } from '../../main/common/api/contract';
// @ts-expect-error plain ESM build script without declarations
import { buildShell } from '../../scripts/build.mjs';

/** What Electron's sandboxed preload receives, with the electron module stubbed. */
function sandboxedPreload() {
  const exposed = new Map<string, unknown>();
  const invoked: [string, unknown[]][] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => (invoked.push([channel, args]), { ok: true, result: `reply from ${channel}` }),
      on: () => {},
      send: () => {},
    },
  };
  const modules = new Map<string, unknown>([
    ['electron', electron],
    ['electron/renderer', electron],
    ['events', { EventEmitter }],
    ['node:events', { EventEmitter }],
    ['timers', timers],
    ['node:timers', timers],
    ['url', url],
    ['node:url', url],
  ]);
  const required: string[] = [];
  const preloadRequire = (name: string): unknown => {
    required.push(name);
    if (!modules.has(name)) throw new Error(`module not found: ${name}`);
    return modules.get(name);
  };
  // The sandboxed preload's process: an EventEmitter with a few read-only facts, no Node internals.
  const preloadProcess = Object.assign(new EventEmitter(), { sandboxed: true, type: 'renderer', platform: process.platform, arch: process.arch, env: {}, argv: [], pid: 1 });
  return { exposed, invoked, required, preloadRequire, preloadProcess };
}

function runPreload(source: string, env: ReturnType<typeof sandboxedPreload>): void {
  const context = vm.createContext({ console });
  const fn = vm.runInContext(`(function (require, process, exports, module, Buffer, global, setImmediate, clearImmediate) {\n${source}\n})`, context, { filename: 'preload.cjs' }) as (...a: unknown[]) => void;
  const exports = {};
  fn(env.preloadRequire, env.preloadProcess, exports, { exports }, Buffer, vm.runInContext('globalThis', context), setImmediate, clearImmediate);
}

test('the built preload runs in a sandboxed preload and exposes one function per API operation', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'viommu-preload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await (buildShell as (d: string) => Promise<void>)(dir);
  const source = readFileSync(join(dir, 'preload.cjs'), 'utf8');

  const env = sandboxedPreload();
  runPreload(source, env);
  assert.deepEqual([...env.exposed.keys()], ['viommuLab'], 'one object in the main world');
  const api = env.exposed.get('viommuLab') as Record<string, (p: unknown) => Promise<unknown>>;
  assert.deepEqual(Object.keys(api).sort(), [...OPERATION_NAMES].sort());
  for (const op of OPERATION_NAMES) assert.equal(typeof api[op], 'function', op);
  assert.deepEqual([...new Set(env.required)], ['electron'], 'the preload needs nothing but electron');
  assert.equal(await api.listRuns!({ limit: 3 }), `reply from ${ipcChannel('listRuns')}`);
  assert.deepEqual(env.invoked, [[ipcChannel('listRuns'), [{ limit: 3 }]]]);
});

test('the wrapper is strict: Node-only globals and modules are missing there, as in Electron', () => {
  const env = sandboxedPreload();
  assert.throws(() => runPreload('__filename;', env), /__filename is not defined/);
  assert.throws(() => runPreload("require('node:fs');", env), /module not found: node:fs/);
  assert.throws(() => runPreload('process.binding("fs");', env), /process.binding is not a function/);
});
