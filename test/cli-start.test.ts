/**
 * The bundled CLI's start-up paths (bin/viommu-lab.cjs): `--help` from the text kept with the
 * build is the sources' text, and so is its exit code without a command; a code cache that V8
 * rejects (here: garbage) is replaced and changes nothing of the output. Speed is measured by
 * `npm run bench cli`, never here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const bin = join(root, 'bin/viommu-lab.cjs');
const dir = mkdtempSync(join(tmpdir(), 'viommu-cli-start-'));
const cli = (args: string[], mode: '' | 'source' = '') => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, VIOMMU_LAB_CLI: mode, VIOMMU_LAB_DB: join(dir, 'lab.sqlite') } });

test('--help and no command print the sources\' usage text with their exit codes', () => {
  cli(['--help']); // builds the bundle if a source changed
  for (const args of [['--help'], ['-h'], ['help'], []]) {
    const bundled = cli(args);
    const source = cli(args, 'source');
    assert.equal(bundled.status, args.length === 0 ? 2 : 0, `${args.join(' ')}: ${bundled.stderr}`);
    assert.equal(bundled.status, source.status);
    assert.ok(bundled.stdout.includes('usage:') && bundled.stdout === source.stdout, `${args.join(' ')}: bundled and source usage differ`);
  }
});

test('a code cache that V8 rejects is written anew, and the run prints the same', () => {
  const args = ['run', join(root, 'resources/examples/baseline.json'), '--json', '--set', 'duration=200us'];
  const first = cli(args);
  assert.equal(first.status, 0, first.stderr);
  const current = JSON.parse(readFileSync(join(root, 'build/cli/current.json'), 'utf8')) as { dir: string };
  const cache = join(root, 'build/cli', current.dir, 'cli.run.v8cache');
  assert.ok(readFileSync(cache).length > 1000, 'the first run left its code cache');
  writeFileSync(cache, Buffer.alloc(4096, 7));
  const again = cli(args);
  assert.equal(again.status, 0, again.stderr);
  const strip = (out: string) => out.replace(/"runId": \d+/g, '');
  assert.equal(strip(again.stdout), strip(first.stdout));
  assert.notDeepEqual(readFileSync(cache), Buffer.alloc(4096, 7), 'the rejected cache was replaced');
});
