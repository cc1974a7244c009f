import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main';
import type { CliIO } from './io';
import { specJson } from '../../test/support/fake-executor';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false };
  return { code: await main(argv, io), out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'viommu-budget-cli-'));
const db = join(dir, 'lab.sqlite');
const sweep = join(dir, 'sweep.json');
writeFileSync(sweep, JSON.stringify([specJson('a'), { ...specJson('long'), duration: '200ms' }, specJson('b')]));
// Seed 000's per-TCE clear of the default window: a boot of 1.3 M events, which outlasts the work
// estimate's pilot (the estimate says "at least 1e5 events"), so only the running budget can stop it.
const boot = JSON.parse(readFileSync(new URL('../../resources/examples/spapr-boot-sweep.json', import.meta.url), 'utf8'))[2];
const bootSweep = join(dir, 'boot-sweep.json');
writeFileSync(bootSweep, JSON.stringify([specJson('a'), boot, specJson('b')]));

test('run --max-events: a run whose boot outlasts the estimate stops at its budget, stored as budget-exceeded with the figure and the flag; the sweep goes on', async () => {
  const r = await cli('run', bootSweep, '--db', db, '--max-events', '300000', '--json');
  assert.equal(r.code, 1, 'not every run finished');
  const runs = JSON.parse(r.out).runs as { status: string; error: string | null }[];
  assert.deepEqual(runs.map((x) => x.status), ['done', 'budget-exceeded', 'done']);
  assert.match(runs[1]!.error!, /^budget exceeded: the event budget of 300000 events was reached \(\d+ events\); raise it with --max-events$/);
  assert.match(r.err, /run #\d+ budget-exceeded: budget exceeded/);
  assert.match(r.err, /stored 2 of 3 runs/);
  const listed = await cli('runs', '--db', db, '--status', 'budget-exceeded', '--json');
  assert.equal(listed.code, 0, listed.err);
  assert.equal(JSON.parse(listed.out).length, 1);
});

test('run --max-memory takes units and stops the run whose process holds more; a bad value is one sentence and exit 2', async () => {
  // 40 MiB: above the estimate of the runs (32 MiB + their tables) but below what this thread holds
  // (64 MiB of ballast, filled so it is really held), so the first check stops the long run.
  const ballast = Buffer.alloc(64 * 2 ** 20, 1);
  const mem = await cli('run', bootSweep, '--db', db, '--max-memory', '40MiB', '--json');
  assert.equal(ballast[ballast.length - 1], 1);
  assert.equal(mem.code, 1, mem.err);
  assert.deepEqual(JSON.parse(mem.out).runs.map((x: { status: string }) => x.status), ['done', 'budget-exceeded', 'done']);
  assert.match(JSON.parse(mem.out).runs[1].error, /memory budget of 40\.0 MiB was reached \(\d+.*\); raise it with --max-memory/);
  for (const bad of [['--max-events', '0'], ['--max-events', 'lots'], ['--max-memory', '8 apples'], ['--max-wall=-5']]) {
    const r = await cli('run', sweep, '--db', db, ...bad);
    assert.equal(r.code, 2, `${bad.join(' ')}: ${r.err}`);
    assert.match(r.err, new RegExp(`^viommu-lab: ${bad[0]!.replace(/=.*/, '')} `));
    assert.equal(r.err.trim().split('\n').length, 1);
  }
});

const longNic = join(dir, 'long-nic.json');
writeFileSync(longNic, JSON.stringify({ ...specJson('long nic'), duration: '60s', devices: [{ id: 'nic0', vm: 'vm0', kind: 'nic', workload: { kind: 'nic', bitrate: '100Gbps', packetSize: 64 } }] }, null, 2));
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
  const c = await cli('check', longNic);
  assert.equal(c.code, 1);
  assert.match(c.err, /^viommu-lab: .*long-nic\.json:1:1: \(spec\): the work estimate, about \S+ events \(.*\), exceeds the event budget of 2\.00e9: shorten the run or raise the budget with --max-events \S+ \[budget\]\n$/);
  const m = await cli('check', tces);
  assert.equal(m.code, 1);
  assert.match(m.err, /tces\.json:1:1: \(spec\): the memory estimate, 9\.0\d GiB \(vms\[0\]\.viommus\[0\]: 1\.07e9 TCEs of the direct DDW .*\), exceeds the memory budget of 3\.00 GiB: raise it with --max-memory 12GiB if the machine has that much \[budget\]\n$/);
  const before = (await cli('runs', '--db', db, '--json')).out;
  for (const f of [longNic, tces]) {
    const r = await cli('run', f, '--db', db);
    assert.equal(r.code, 1);
    assert.match(r.err, /\[budget\]\n$/);
  }
  assert.equal((await cli('runs', '--db', db, '--json')).out, before, 'a refused spec stores nothing');
});

test('check prints the work estimate; the flags raise the limits it is checked against', async () => {
  const ok = await cli('check', sweep);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /ok — 3 specs\nestimated work: about largest run \S+ events \(boot \d+ events, then .* per simulated ms for 200 ms\); all 3 runs \S+ events, up to 32\.0 MiB per run, ≈ .* here\n$/);
  const raised = await cli('check', longNic, '--max-events', '1e13', '--max-wall', '10000min');
  assert.equal(raised.code, 0, raised.err);
  assert.match(raised.out, /estimated work: about \d\.\d\de(9|1\d) events/);
});
