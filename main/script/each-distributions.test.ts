// The DSL's `.each()` (one IOMMU, vIOMMU or device per instance without leaving the chain) and
// distribution helpers (`exponential(us(50))`): what they produce after validation, their
// errors at the script's line, and their types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateScript, ScriptError } from './api';
import { typeCheck } from './typecheck';

const FOUR_SMMUS = `import { topology, block, nic, boot, fixed, exponential, uniform, normal, lognormal, empirical, us, KiB } from 'viommu-lab';
export default topology({ duration: '1ms', profile: 'grace-tegra241' })
  .host({ arch: 'aarch64', cpus: 8 })
  .each(4, (t, i) => t.hostIommu(\`smmu\${i}\`, 'smmuv3'))
  .vm('vm0', { memory: '1GiB', vcpus: 2 })
  .each(['a', 'b'], (t, name, i) => t.viommu(\`vsmmu-\${name}\`, 'smmuv3', { backing: [\`smmu\${2 * i}\`, \`smmu\${2 * i + 1}\`] }))
  .device('disk0', { kind: 'nvme', attach: 'vfio', viommu: 'vsmmu-a', hostIommu: 'smmu0', workload: block({ serviceTime: exponential(us(50)), requestSize: uniform(KiB(4), KiB(64)) }) })
  .device('disk1', { kind: 'nvme', attach: 'vfio', viommu: 'vsmmu-b', hostIommu: 'smmu2', workload: block({ serviceTime: normal('20us', '5us'), requestSize: fixed(4096) }) })
  .device('nic0', { kind: 'nic', attach: 'vfio', viommu: 'vsmmu-a', hostIommu: 'smmu1', workload: nic({ packetRate: '10Kpps', packetSize: empirical([64, 576, '1500B'], [7, 4, 1]) }) })
  .device('disk2', { kind: 'nvme', attach: 'vfio', viommu: 'vsmmu-b', hostIommu: 'smmu3', workload: block({ serviceTime: lognormal(10, 0.5) }) })
  .each(0, (t, i) => t.device(\`never\${i}\`, { workload: boot() }));
`;

test('.each() declares one item per element or index, in order; the distribution helpers give the schema what it expects', async () => {
  assert.deepEqual(typeCheck(FOUR_SMMUS, 'each.ts'), []);
  const { specs } = await evaluateScript(FOUR_SMMUS, 'each.ts', { timeoutMs: 10_000 });
  const spec = specs[0]!;
  assert.deepEqual(spec.host.iommus.map((h) => h.id), ['smmu0', 'smmu1', 'smmu2', 'smmu3']);
  assert.deepEqual(spec.vms[0]!.viommus.map((v) => [v.id, (v.params as { backing: string[] }).backing]), [
    ['vsmmu-a', ['smmu0', 'smmu1']],
    ['vsmmu-b', ['smmu2', 'smmu3']],
  ]);
  assert.deepEqual(spec.devices.map((d) => d.id), ['disk0', 'disk1', 'nic0', 'disk2']);
  const w = spec.devices.map((d) => d.workload as Record<string, unknown>);
  assert.deepEqual([w[0]!.serviceTime, w[0]!.requestSize], [{ kind: 'exponential', mean: 50_000 }, { kind: 'uniform', min: 4096, max: 65536 }]);
  assert.deepEqual([w[1]!.serviceTime, w[1]!.requestSize], [{ kind: 'normal', mean: 20_000, stddev: 5000 }, { kind: 'fixed', value: 4096 }]);
  assert.deepEqual(w[2]!.packetSize, { kind: 'empirical', values: [64, 576, 1500], weights: [7, 4, 1] });
  assert.deepEqual(w[3]!.serviceTime, { kind: 'lognormal', mu: 10, sigma: 0.5 });
});

async function scriptError(source: string): Promise<ScriptError> {
  try {
    await evaluateScript(source, 'bad.ts', { timeoutMs: 10_000 });
  } catch (e) {
    assert.ok(e instanceof ScriptError, String(e));
    return e;
  }
  assert.fail('the script was accepted');
}

test('a bad .each() count and a bad distribution parameter are errors at the script line', async () => {
  const count = await scriptError(`import { topology } from 'viommu-lab';
export default topology()
  .each(2.5, (t, i) => t.hostIommu(\`h\${i}\`, 'none'));
`);
  assert.deepEqual([count.diagnostic.kind, count.diagnostic.line], ['runtime', 3]);
  assert.match(count.diagnostic.message, /n must be a non-negative integer, got 2.5/);

  const uniform = await scriptError(`import { topology, block, uniform } from 'viommu-lab';
export default topology()
  .vm('vm0', { memory: '1GiB' })
  .device('d', { kind: 'virtio-blk', workload: block({ serviceTime: uniform('50us', '5us') }) });
`);
  assert.deepEqual([uniform.diagnostic.kind, uniform.diagnostic.line], ['schema', 4]);
  assert.match(uniform.diagnostic.message, /max must be at least min/);
});

test('helpers are typed: a wrong unit in a distribution and a misused .each() item are type errors', () => {
  const source = `import { topology, block, exponential } from 'viommu-lab';
export default topology()
  .vm('vm0', { memory: '1GiB' })
  .device('d', { kind: 'virtio-blk', workload: block({ serviceTime: exponential('50furlongs') }) })
  .each(['x'], (t, id) => t.device(id, { kind: 'virtio-blk', workload: block({ queueDepth: id }) }))
  .each(3, (t, i) => t.vm(\`vm\${i}\`, { memory: '1GiB' }));
`;
  const errors = typeCheck(source, 'typed.ts');
  assert.deepEqual(errors.map((e) => e.line), [4, 5]);
  assert.match(errors[0]!.message, /mean: "50furlongs"; }' is not assignable to type 'Distribution</);
  assert.match(errors[1]!.message, /'string' is not assignable to type 'number'/);
});
