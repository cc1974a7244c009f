import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../test/support/cli';
import { specJson } from '../../test/support/fake-executor';

const dir = mkdtempSync(join(tmpdir(), 'viommu-budget-cli-'));
const db = join(dir, 'lab.sqlite');
const sweep = join(dir, 'sweep.json');
// Two short runs around a long one (well past the first budget check at 65,536 events on either kernel).
writeFileSync(sweep, JSON.stringify([specJson('a'), { ...specJson('long'), duration: '1s' }, specJson('b')]));

test('run --max-memory: the run whose thread holds more stops at the check, stored as budget-exceeded with the figure and the flag; the sweep goes on', async () => {
  // 40 MiB: above the work estimate of each run (32 MiB), so the pipeline lets them through, but
  // below what this thread holds (64 MiB of ballast, filled so it is really held), so the running
  // budget stops the long run at its first check. (The event budget at run time is tested where no
  // estimate stands in front of it: main/api/budget.test.ts.)
  const ballast = Buffer.alloc(64 * 2 ** 20, 1);
  const r = await cli('run', sweep, '--db', db, '--max-memory', '40MiB', '--json');
  assert.equal(ballast[ballast.length - 1], 1);
  assert.equal(r.code, 1, 'not every run finished');
  const runs = JSON.parse(r.out).runs as { status: string; error: string | null }[];
  assert.deepEqual(runs.map((x) => x.status), ['done', 'budget-exceeded', 'done']);
  assert.match(runs[1]!.error!, /^budget exceeded: the memory budget of 40\.0 MiB was reached \(\d.*\); raise it with --max-memory$/);
  assert.match(r.err, /run #\d+ budget-exceeded: budget exceeded/);
  assert.match(r.err, /stored 2 of 3 runs/);
  const listed = await cli('runs', '--db', db, '--status', 'budget-exceeded', '--json');
  assert.equal(listed.code, 0, listed.err);
  assert.equal(JSON.parse(listed.out).length, 1);
});

test('budget flags take units; a bad value is one sentence and exit 2', async () => {
  for (const bad of [['--max-events', '0'], ['--max-events', 'lots'], ['--max-memory', '8 apples'], ['--max-wall=-5']]) {
    const r = await cli('run', sweep, '--db', db, ...bad);
    assert.equal(r.code, 2, `${bad.join(' ')}: ${r.err}`);
    assert.match(r.err, new RegExp(`^viommu-lab: ${bad[0]!.replace(/=.*/, '')} `));
    assert.equal(r.err.trim().split('\n').length, 1);
  }
});

const tces = join(dir, 'tces.json');
writeFileSync(
  tces,
  JSON.stringify({
    name: 'tces',
    duration: '1ms',
    profile: { base: 'power9-kvm' },
    host: { arch: 'ppc64le', cpus: 8 },
    vms: [{ id: 'g', memory: '4TiB', vcpus: 4, viommus: [{ id: 'phb0', kind: 'spapr-tce', params: { ddwPageSizes: ['4KiB'] } }] }],
    devices: [{ id: 'd', vm: 'g', viommu: 'phb0', workload: { kind: 'boot' } }],
  }),
);

test('check and run refuse a spec whose work estimate exceeds a budget, with the estimate and the flag; nothing is stored', async () => {
  const c = await cli('check', sweep, '--max-events', '1000');
  assert.equal(c.code, 1);
  assert.match(c.err, /^viommu-lab: .*sweep\.json:\d+:\d+: \[1\]: the work estimate, (about )?\S+ events \(.*\), exceeds the event budget of 1000: shorten the run or raise the budget with --max-events \S+ \[budget\]$/m);
  const m = await cli('check', tces);
  assert.equal(m.code, 1);
  assert.match(m.err, /tces\.json:1:1: \(spec\): the memory estimate, 9\.0\d GiB \(vms\[0\]\.viommus\[0\]: 1\.07e9 TCEs of the direct DDW .*\), exceeds the memory budget of 3\.00 GiB: raise it with --max-memory 12GiB if the machine has that much \[budget\]\n$/);
  const before = (await cli('runs', '--db', db, '--json')).out;
  // A single spec is its own pilot (main/api/pipeline/run-pilot.ts): refused at its pilot point, with nothing stored either.
  const one = join(dir, 'one.json');
  writeFileSync(one, JSON.stringify({ ...specJson('one'), duration: '1s' }));
  for (const args of [[sweep, '--max-events', '1000'], [one, '--max-events', '1000'], [tces]]) {
    const r = await cli('run', ...args, '--db', db);
    assert.equal(r.code, 1);
    assert.match(r.err, /\[budget\]\n$/);
  }
  assert.equal((await cli('runs', '--db', db, '--json')).out, before, 'a refused spec stores nothing');
});

test('check prints the work estimate, checked against the default budgets unless a flag sets them', async () => {
  const ok = await cli('check', sweep);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /ok — 3 specs\nestimated work: (about )?largest run \S+ events \(.*\); all 3 runs \S+ events, up to 32\.0 MiB per run, ≈ .* here\n$/);
  const lowered = await cli('check', sweep, '--max-memory', '16MiB');
  assert.equal(lowered.code, 1);
  assert.match(lowered.err, /the memory estimate, 32\.0 MiB, exceeds the memory budget of 16\.0 MiB/);
});
