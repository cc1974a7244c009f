/**
 * Host side of the sandbox: runs one transpiled script in a fresh worker (sandbox-worker.mjs)
 * and returns its JSON text or its error. The worker is terminated after it answers; if it
 * does not answer in time (a deadline the interpreter could not enforce) or dies, it is
 * terminated and the script is reported as having exceeded its limits. Nothing the script does
 * reaches this process except the text it returns.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { unpackedPath } from '../common/asar';
import { SCRIPT_MODULE } from './dsl/callsite';

export interface SandboxJob {
  runtimeJs: string;
  scriptJs: string;
  sets: readonly [string, unknown][];
  timeoutMs: number;
  memoryLimitBytes: number;
  stackLimitBytes: number;
  maxResultChars: number;
}

export interface SandboxErrorInfo {
  name: string;
  message: string;
  stack?: string;
  /** Script position in the transpiled code, when the DSL knew it. */
  site?: { line: number; column: number };
}

export type SandboxOutcome = { ok: true; json: string; logs?: string[] } | { ok: false; error: SandboxErrorInfo };

/** Time the worker gets to start and load QuickJS before the script's deadline starts. */
const STARTUP_MS = 15_000;
/** Time past the deadline the host waits before it terminates a worker stuck in one long operation. */
const HARD_GRACE_MS = 200;

export function runInSandbox(job: SandboxJob): Promise<SandboxOutcome> {
  return new Promise((resolve) => {
    // Packaged, the worker and the QuickJS packages it imports are unpacked beside app.asar.
    const worker = new Worker(unpackedPath(fileURLToPath(new URL('./sandbox-worker.mjs', import.meta.url))), {
      workerData: {
        runtimeJs: job.runtimeJs,
        scriptJs: job.scriptJs,
        scriptModule: SCRIPT_MODULE,
        setsJson: JSON.stringify(job.sets),
        timeoutMs: job.timeoutMs,
        memoryLimitBytes: job.memoryLimitBytes,
        stackLimitBytes: job.stackLimitBytes,
        maxResultChars: job.maxResultChars,
      },
      // A plain .mjs worker: no TypeScript loader, no inherited flags, no environment.
      execArgv: [],
      env: {},
      stdout: true,
      stderr: true,
      // The V8 heap of the worker holds only code text; QuickJS lives in WebAssembly memory, capped in the worker.
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    let settled = false;
    const finish = (o: SandboxOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(o);
    };
    const interrupted = (): void => finish({ ok: false, error: { name: 'InternalError', message: 'interrupted' } });
    let timer = setTimeout(() => finish({ ok: false, error: { name: 'InternalError', message: 'the sandbox did not start' } }), STARTUP_MS);
    worker.on('message', (m: SandboxOutcome | { ready: true }) => {
      if ('ready' in m) {
        clearTimeout(timer);
        timer = setTimeout(interrupted, job.timeoutMs + HARD_GRACE_MS);
      } else {
        finish(m);
      }
    });
    worker.on('error', (e) => finish({ ok: false, error: { name: 'InternalError', message: /memory/i.test(e.message) ? 'out of memory' : `sandbox worker failed: ${e.message}` } }));
    worker.on('exit', (code) => finish({ ok: false, error: { name: 'InternalError', message: `sandbox worker exited (code ${code}) without an answer` } }));
  });
}
