// Helpers for the store robustness tests: the CLI as a child process, one-sentence error checks,
// and a tmpfs that the test mounts itself (root only; under CI a test that cannot mount fails).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('../../', import.meta.url).pathname;
export const bin = join(root, 'bin/viommu-lab.cjs');
export const baseline = join(root, 'resources/examples/baseline.json');

export interface CliOutcome {
  code: number | null;
  out: string;
  err: string;
}

export function cliSync(args: string[], env: NodeJS.ProcessEnv = {}): CliOutcome {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export function cliAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

/** No stack trace, no internal error: every line the CLI printed to stderr starts with "viommu-lab:" or is progress. */
export function assertNoStackTrace(r: CliOutcome): void {
  assert.doesNotMatch(r.err, /internal error|\n\s+at [\w.<]|SqliteError|Error: /, r.err);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Mounts a tmpfs of `size` at a new folder; returns it, or a reason it cannot (not root, no mount). */
export function mountTmpfs(size: string): { dir: string } | { skip: string } {
  const dir = tempDir('viommu-tmpfs-');
  if (process.getuid?.() !== 0) return { skip: 'mounting a tmpfs needs root' };
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return { skip: `mount -t tmpfs failed: ${r.stderr.trim() || r.error?.message}` };
  return { dir };
}

export function remount(dir: string, mode: 'ro' | 'rw'): void {
  const r = spawnSync('mount', ['-o', `remount,${mode}`, dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `remount ${mode}: ${r.stderr}`);
}

export function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir]);
}

/** Under CI a scenario that cannot be set up fails; elsewhere it is skipped with its reason. */
export function skipOrFail(t: { skip(msg: string): void }, reason: string): void {
  if (process.env.CI) assert.fail(`cannot run under CI: ${reason}`);
  t.skip(reason);
}
