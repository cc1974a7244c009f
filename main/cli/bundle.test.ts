/**
 * The bundled CLI (bin/viommu-lab.cjs) loads esbuild's API, worker threads and fs/promises at their
 * first use (scripts/cli-bundle.mjs, lazyEsbuild and lazyBuiltins): a JSON spec's single run loads
 * none of them, nor perf_hooks or node:v8; a TypeScript script (transpiled with esbuild, run in a sandbox worker) prints what
 * the sources print, and so does a sweep on engine workers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/viommu-lab.cjs');
const dir = mkdtempSync(join(tmpdir(), 'viommu-bundle-'));
// Says at exit whether esbuild's API and those built-ins are among the modules the process loaded.
const probe = join(dir, 'probe.cjs');
writeFileSync(
  probe,
  [
    "const { sep } = require('node:path');",
    "process.on('exit', () => {",
    "  const say = (what, loaded) => require('node:fs').writeSync(2, `${what} loaded: ${loaded}\\n`);",
    "  say('esbuild', Object.keys(require.cache).some((k) => k.split(sep).includes('esbuild')));",
    "  for (const m of ['worker_threads', 'fs/promises', 'perf_hooks', 'v8']) say(m, process.moduleLoadList.includes(`NativeModule ${m}`));",
    '});',
  ].join('\n'),
);

function bundled(args: string[], db: string, mode = ''): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['-r', probe, bin, ...args, '--db', join(dir, db)], { encoding: 'utf8', env: { ...process.env, VIOMMU_LAB_CLI: mode } });
}

test('a JSON spec run through the bundled CLI loads neither esbuild nor worker threads nor fs/promises, perf_hooks or node:v8', () => {
  const args = ['run', join(root, 'resources/examples/baseline.json'), '--set', 'duration=100us'];
  // A source newer than the bundle makes the first run rebuild it, with esbuild: that run is not the one probed.
  assert.equal(bundled(args, 'json-build.sqlite').status, 0);
  const r = bundled(args, 'json.sqlite');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /esbuild loaded: false/);
  assert.match(r.stderr, /worker_threads loaded: false/);
  assert.match(r.stderr, /fs\/promises loaded: false/);
  // The run's host clock and memory figure (api/wall-clock.ts, api/budget-meter.ts) need neither.
  assert.match(r.stderr, /perf_hooks loaded: false/);
  assert.match(r.stderr, /v8 loaded: false/);
  // The bundle is plain ASCII, which the bin reads as a one-byte string (scripts/cli-bundle.mjs says why).
  const cur = JSON.parse(readFileSync(join(root, 'build/cli/current.json'), 'utf8')) as { dir: string };
  assert.ok(isAscii(readFileSync(join(root, 'build/cli', cur.dir, 'cli.cjs'))), 'the CLI bundle has non-ASCII bytes');
});

test('a TypeScript script through the bundled CLI loads esbuild when it transpiles, and prints what the sources print', () => {
  const args = ['run', join(root, 'resources/examples/baseline.ts'), '--json', '--jobs', '1', '--set', 'duration=100us'];
  const b = bundled(args, 'ts-bundled.sqlite');
  const s = bundled(args, 'ts-source.sqlite', 'source');
  assert.equal(b.status, 0, b.stderr);
  assert.equal(s.status, 0, s.stderr);
  assert.match(b.stderr, /esbuild loaded: true/);
  assert.ok(b.stdout.length > 1000 && b.stdout === s.stdout, 'bundled and source outputs of a script differ');
});

test('a sweep on engine workers through the bundled CLI prints what it prints on this thread', () => {
  const args = ['run', join(root, 'resources/examples/baseline-sweep.json'), '--json', '--set', 'duration=100us'];
  const pooled = bundled([...args, '--jobs', '2'], 'sweep-pooled.sqlite');
  const serial = bundled([...args, '--jobs', '1'], 'sweep-serial.sqlite');
  assert.equal(pooled.status, 0, pooled.stderr);
  assert.equal(serial.status, 0, serial.stderr);
  assert.match(pooled.stderr, /worker_threads loaded: true/);
  assert.ok(pooled.stdout.length > 1000 && pooled.stdout === serial.stdout, 'the bundled sweep differs between --jobs 2 and --jobs 1');
});
