// `viommu-lab run script.ts` stores a sweep as one experiment (source = the script), with each
// run's point and replication; `check` validates without storing; errors carry file:line:column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabStore } from '../store/store';
import type { CliIO } from './io';
import { main } from './main';

function capture(): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', isTTY: false, out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

const BASELINE = 'resources/examples/baseline.ts';

test('run script.ts stores one experiment whose runs carry their point and replication', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'viommu-script-'));
  try {
    const db = join(dir, 'lab.sqlite');
    const io = capture();
    // One sweep point (both parameters set) × the script's 3 replications keeps the test short.
    const code = await main(['run', BASELINE, '--db', db, '--set', 'threads=2', '--set', 'load=10Gbps'], io);
    assert.equal(code, 0, io.stderr);
    assert.match(io.stderr, /run 1\/3 \(#1\): threads=2 load=10Gbps rep=0 seed=42\n/);
    assert.match(io.stderr, /run 3\/3 \(#3\): threads=2 load=10Gbps rep=2 seed=44\n/);
    const store = LabStore.open(db);
    try {
      const exps = store.db.prepare('SELECT name, source FROM experiments').all() as { name: string; source: string }[];
      assert.equal(exps.length, 1);
      assert.equal(exps[0]!.name, 'baseline: dma-direct, no IOMMU');
      assert.equal(exps[0]!.source, readFileSync(BASELINE, 'utf8'));
      const runs = store.listRuns();
      assert.deepEqual(runs.map((r) => [r.status, r.point, r.replication, r.seed]), [
        ['done', { threads: 2, load: '10Gbps' }, 0, 42],
        ['done', { threads: 2, load: '10Gbps' }, 1, 43],
        ['done', { threads: 2, load: '10Gbps' }, 2, 44],
      ]);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('check validates a script without storing; a bad script is one error with file:line:column', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'viommu-script-'));
  try {
    const ok = capture();
    assert.equal(await main(['check', BASELINE, '--no-types'], ok), 0, ok.stderr);
    assert.match(ok.stdout, /ok — experiment "baseline: dma-direct, no IOMMU": 12 runs \(4 points × 3 replications\)/);
    const bad = join(dir, 'bad.ts');
    writeFileSync(bad, "import { topology, boot } from 'viommu-lab';\nexport default topology()\n  .vm('vm0', { memory: '8GB/s' as never })\n  .device('d', { workload: boot() });\n");
    const io = capture();
    assert.equal(await main(['check', bad, '--no-types'], io), 1);
    // At the option as written in the builder call (the editor marks `memory: '8GB/s' as never`).
    assert.equal(io.stderr, `viommu-lab: ${bad}:3:16: vms[0].memory: unknown bytes unit "GB/s" in "8GB/s"; use one of B, KiB, MiB, GiB, TiB, PiB, KB, MB, GB, TB, K, M, G, T [schema]\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a topology the models cannot build and an unknown profile are reported at the option or builder call that set them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'viommu-script-'));
  try {
    const topo = join(dir, 'topo.ts');
    writeFileSync(
      topo,
      `import { experiment, topology, mapBench } from 'viommu-lab';
export default experiment('noiommu').grid({ arch: ['ppc64le', 'x86_64'] as const }).topology((p) =>
  topology({ profile: p.arch === 'x86_64' ? 'kvm-x86-2024' : 'power9-kvm' })
    .host({ arch: p.arch })
    .vm('g', { memory: '4GiB' })
    .device('v', { kind: 'virtio-net', attach: 'virtio', transport: { kind: 'virtio', params: { noIommu: true } }, workload: mapBench({ maxOps: 10 }) }),
);
`,
    );
    const io = capture();
    assert.equal(await main(['check', topo, '--no-types'], io), 1);
    assert.match(io.stderr, new RegExp(`^viommu-lab: ${topo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:97: devices\\[0\\]\\.transport\\.params\\.noIommu: .*\\(sweep point arch=x86_64\\) \\[topology\\]\\n$`));

    const prof = join(dir, 'prof.ts');
    writeFileSync(prof, "import { topology, boot } from 'viommu-lab';\n\nexport default topology({ profile: 'no-such-profile' })\n  .vm('vm0', { memory: '1GiB' })\n  .device('d', { workload: boot() });\n");
    const io2 = capture();
    assert.equal(await main(['check', prof, '--no-types'], io2), 1);
    assert.match(io2.stderr, /prof\.ts:3:27: .*no-such-profile.* \[profile\]\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
