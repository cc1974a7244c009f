// Same script and seed → byte-identical specs; replication k has the same seed in every sweep
// point (common random numbers); --set collapses a sweep parameter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { evaluateScript, ScriptError } from './api';

const SWEEP = `import { experiment, topology, mapBench, nic } from 'viommu-lab';
export default experiment('det', { seed: 7, description: 'determinism' })
  .grid({ threads: [1, 2, 4], granule: ['4KiB', '64KiB'] })
  .zip({ load: ['10Gbps', '25Gbps'], ring: [256, 512] })
  .filter((p) => !(p.threads === 4 && p.granule === '64KiB'))
  .replicate(3)
  .topology((p) =>
    topology({ duration: '1ms' })
      .vm('vm0', { memory: '4GiB', vcpus: 4 })
      .device('bench', { kind: 'dma-engine', workload: mapBench({ threads: p.threads, granule: p.granule }) })
      .device('nic0', { workload: nic({ bitrate: p.load, ringSize: p.ring }) }),
  );
`;

test('the same script gives byte-identical specs', async () => {
  const a = await evaluateScript(SWEEP, 'det.ts', { timeoutMs: 10_000 });
  const b = await evaluateScript(SWEEP, 'det.ts', { timeoutMs: 10_000 });
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  // 3 × 2 grid minus 1 filtered, × 2 zipped rows, × 3 replications.
  assert.equal(a.specs.length, 5 * 2 * 3);
  assert.equal(a.name, 'det');
  assert.equal(a.description, 'determinism');
});

test('replication k uses the same seed in every sweep point', async () => {
  const { specs } = await evaluateScript(SWEEP, 'det.ts', { timeoutMs: 10_000 });
  const seedsByRep = new Map<number, Set<number>>();
  for (const s of specs) {
    if (!seedsByRep.has(s.replication)) seedsByRep.set(s.replication, new Set());
    seedsByRep.get(s.replication)!.add(s.seed);
  }
  assert.deepEqual([...seedsByRep.keys()].sort(), [0, 1, 2]);
  for (const [k, seeds] of seedsByRep) assert.deepEqual([...seeds], [7 + k], `replication ${k}`);
  // Each point carries its parameters, and the spec really uses them.
  for (const s of specs) {
    const bench = s.devices.find((d) => d.id === 'bench')!;
    assert.equal(bench.workload.kind === 'map-bench' && bench.workload.threads, s.point.threads);
    const nic0 = s.devices.find((d) => d.id === 'nic0')!;
    assert.equal(nic0.workload.kind === 'nic' && nic0.workload.ringSize, s.point.ring);
    assert.equal(s.point.load === '10Gbps' ? 256 : 512, s.point.ring, 'zip keeps rows together');
  }
  assert.ok(!specs.some((s) => s.point.threads === 4 && s.point.granule === '64KiB'), 'filtered point is gone');
});

test('--set collapses a sweep parameter to one value', async () => {
  const { specs } = await evaluateScript(SWEEP, 'det.ts', { timeoutMs: 10_000, sets: [['threads', 2], ['load', '25Gbps']] });
  assert.equal(specs.length, 2 * 1 * 3);
  assert.ok(specs.every((s) => s.point.threads === 2 && s.point.load === '25Gbps' && s.point.ring === 512));
});

test('--set of a profile parameter or a spec path applies to every spec; a typo is an error', async () => {
  const { specs } = await evaluateScript(SWEEP, 'det.ts', { timeoutMs: 10_000, sets: [['duration', '2ms']] });
  assert.ok(specs.every((s) => s.duration === 2_000_000));
  await assert.rejects(evaluateScript(SWEEP, 'det.ts', { timeoutMs: 10_000, sets: [['thread', 3]] }), (e: unknown) => e instanceof ScriptError && /--set thread: not a sweep parameter.*its sweep parameters are threads, granule, load, ring/.test(e.message));
});

test('the baseline example is a sweep with replications', async () => {
  const file = 'resources/examples/baseline.ts';
  const { specs } = await evaluateScript(readFileSync(file, 'utf8'), file, { timeoutMs: 10_000 });
  const points = new Set(specs.map((s) => JSON.stringify(s.point)));
  assert.ok(points.size > 1 && specs.length === points.size * 3);
});

test('ambient randomness and clocks are refused, so specs depend only on the script', async () => {
  for (const expr of ['Math.random()', 'Date.now()', 'new Date()']) {
    await assert.rejects(evaluateScript(`export default String(${expr});\n`, 'rand.ts', { timeoutMs: 10_000 }), (e: unknown) => e instanceof ScriptError && /not available in a script/.test(e.message), expr);
  }
});

test('console output comes back as bounded lines; a bare topology is named after its file', async () => {
  const r = await evaluateScript(
    "import { topology, boot } from 'viommu-lab';\nconsole.log('points', 3, { a: 1 });\nconsole.warn('careful');\nfor (let i = 0; i < 10_000; i++) console.log(i);\nexport default topology().vm('vm0', { memory: '1GiB' }).device('d', { workload: boot() });\n",
    'dir/my-run.ts',
    { timeoutMs: 10_000 },
  );
  assert.deepEqual(r.logs!.slice(0, 3), ['points 3 {"a":1}', 'warning: careful', '0']);
  assert.equal(r.logs!.length, 200);
  assert.equal(r.name, 'my-run');
  assert.equal(r.specs[0]!.name, 'my-run');
});
