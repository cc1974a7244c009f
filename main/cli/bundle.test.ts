/**
 * The bundled CLI (bin/viommu-lab.cjs) loads esbuild's API at its first call (scripts/cli-bundle.mjs,
 * lazyEsbuild): a JSON spec's run never loads it, and a TypeScript script, which is transpiled
 * with it, prints what the sources print.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/viommu-lab.cjs');
const dir = mkdtempSync(join(tmpdir(), 'viommu-bundle-'));
// Says at exit whether esbuild's API is among the modules the process loaded.
const probe = join(dir, 'probe.cjs');
writeFileSync(probe, `process.on('exit', () => require('node:fs').writeSync(2, 'esbuild loaded: ' + Object.keys(require.cache).some((k) => /[\\\\/]esbuild[\\\\/]/.test(k)) + '\\n'));\n`);

function bundled(args: string[], db: string, mode = ''): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['-r', probe, bin, ...args, '--db', join(dir, db)], { encoding: 'utf8', env: { ...process.env, VIOMMU_LAB_CLI: mode } });
}

test('a JSON spec run through the bundled CLI does not load esbuild', () => {
  const r = bundled(['run', join(root, 'resources/examples/baseline.json'), '--set', 'duration=100us'], 'json.sqlite');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /esbuild loaded: false/);
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
