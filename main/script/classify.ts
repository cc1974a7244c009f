/**
 * Turns an error from the sandbox into one diagnostic: which kind (limit, forbidden, runtime)
 * and a message that says what to change, at the script position of the offending call.
 */
import { scriptSite, type Site } from './dsl/callsite';
import type { ScriptErrorKind } from './diagnostic';
import type { SandboxErrorInfo } from './sandbox';

export interface Limits {
  timeoutMs: number;
  memoryLimitBytes: number;
  stackLimitBytes: number;
}

export interface Classified {
  kind: ScriptErrorKind;
  message: string;
  site?: Site;
}

/** Globals of Node or the browser that a script might reach for; inside the sandbox they do not exist. */
const HOST_GLOBALS = new Set(['require', 'process', 'module', 'exports', '__dirname', '__filename', 'Buffer', 'global', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'XMLHttpRequest', 'WebSocket', 'Deno', 'Bun', 'window', 'document']);

export function classify(e: SandboxErrorInfo, limits: Limits): Classified {
  const site = e.site ?? scriptSite(e.stack);
  const msg = e.message;
  if (e.name === 'InternalError' && msg === 'interrupted') {
    return { kind: 'limit', message: `the script ran for longer than its ${limits.timeoutMs} ms limit (an endless loop? a very large sweep may need a larger limit: --timeout MS)`, site };
  }
  if (e.name === 'InternalError' && /out of memory/.test(msg)) {
    return { kind: 'limit', message: `the script used more than its ${Math.round(limits.memoryLimitBytes / 2 ** 20)} MiB memory limit`, site };
  }
  if (/stack overflow/.test(msg)) {
    return { kind: 'limit', message: `the script exceeded its ${Math.round(limits.stackLimitBytes / 1024)} KiB stack limit (endless recursion?)`, site };
  }
  if (msg.startsWith('LIMIT: ')) return { kind: 'limit', message: msg.slice(7), site };
  if (msg.startsWith('FORBIDDEN: ')) return { kind: 'forbidden', message: msg.slice(11), site };
  const undefinedName = /^'?([A-Za-z_$][\w$]*)'? is not defined$/.exec(msg)?.[1];
  if (e.name === 'ReferenceError' && undefinedName !== undefined && HOST_GLOBALS.has(undefinedName)) {
    return { kind: 'forbidden', message: `${undefinedName} is not available in a script: a script sees only the viommu-lab DSL (no Node, timers, network or files)`, site };
  }
  return { kind: 'runtime', message: e.name && e.name !== 'Error' ? `${e.name}: ${msg}` : msg, site };
}
