// The generated Slurm scripts on a real single-node Slurm: a 4-task job array runs the shards,
// the dependent merge job leaves one store holding exactly the sweep run in one piece.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';
import { dumpRuns } from './dump';
import { startSlurm } from './single-node-slurm';

const root = new URL('../../', import.meta.url).pathname;
const script = join(root, 'resources/examples/baseline.ts');

test('viommu-lab slurm: the job array and its merge job run on a real Slurm and leave the merged store', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'viommu-slurm-'));
  const slurm = startSlurm(join(dir, 'slurm'));
  if ('reason' in slurm) {
    if (process.env.CI) assert.fail(`Slurm cannot run here: ${slurm.reason}`);
    return t.skip(`Slurm cannot run here: ${slurm.reason}`);
  }
  try {
    const jobs = join(dir, 'jobs');
    const gen = await cli('slurm', script, '--shards', '4', '--dir', jobs, '--set', 'duration=1ms', '--timeout', '20000');
    assert.equal(gen.code, 0, gen.err);
    assert.match(readFileSync(join(jobs, 'sweep.sbatch'), 'utf8'), /#SBATCH --array=1-4\n/);
    assert.match(readFileSync(join(jobs, 'merge.sbatch'), 'utf8'), / merge .*merged\.sqlite .*shard-1\.sqlite .*shard-4\.sqlite/);
    const submit = spawnSync('bash', [join(jobs, 'submit.sh')], { encoding: 'utf8', env: { ...process.env, ...slurm.env } });
    assert.equal(submit.status, 0, submit.stderr);
    assert.match(submit.stdout, /submitted shards as job \d+ and the merge as job \d+/);
    const deadline = Date.now() + 240_000;
    for (;;) {
      const q = spawnSync('squeue', ['-h'], { encoding: 'utf8', env: { ...process.env, ...slurm.env } });
      if (q.status === 0 && q.stdout.trim() === '') break;
      assert.ok(Date.now() < deadline, `jobs still queued: ${q.stdout}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const merged = join(jobs, 'merged.sqlite');
    assert.ok(existsSync(merged), `no merged store; merge log: ${existsSync(join(jobs, 'merge.log')) ? readFileSync(join(jobs, 'merge.log'), 'utf8') : '(none)'}`);
    const whole = join(dir, 'whole.sqlite');
    assert.equal((await cli('run', script, '--db', whole, '--set', 'duration=1ms', '--timeout', '20000')).code, 0);
    assert.deepEqual(dumpRuns(merged), dumpRuns(whole));
  } finally {
    slurm.stop();
  }
});
