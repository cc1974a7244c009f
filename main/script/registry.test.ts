// The DSL is generic over the model registry (main/engine/models/registry.ts): a registered kind
// is accepted with its parameters, and a bad parameter or unknown kind points at the
// .viommu()/.hostIommu() call. (A throwaway model added from outside: test/plugin/throwaway.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smmuv3ViommuParams } from '../engine/models/smmuv3/params';
import { evaluateScript, ScriptError } from './api';

const script = (params: string, hostKind = 'none'): string => `import { topology, mapBench } from 'viommu-lab';
export default topology()
  .host({ arch: 'aarch64' })
  .hostIommu('h0', '${hostKind}' as never)
  .vm('vm0', { memory: '2GiB' })
  .viommu('v0', 'smmuv3', ${params} as never)
  .device('d0', { viommu: 'v0', hostIommu: 'h0', attach: 'emulated', workload: mapBench() });
`;

test('a registered kind and its parameters reach the spec, defaults filled', async () => {
  const { specs } = await evaluateScript(script("{ mode: 'emulated', vcmdqs: 4 }"), 'kinds.ts', { timeoutMs: 10_000 });
  assert.deepEqual(specs[0]!.vms[0]!.viommus, [{ id: 'v0', kind: 'smmuv3', params: smmuv3ViommuParams.parse({ mode: 'emulated', vcmdqs: 4 }) }]);
  assert.deepEqual(specs[0]!.host.iommus, [{ id: 'h0', kind: 'none', params: {} }]);
  const d = await evaluateScript(script('{}'), 'kinds.ts', { timeoutMs: 10_000 });
  assert.deepEqual(d.specs[0]!.vms[0]!.viommus[0]!.params, smmuv3ViommuParams.parse({}));
});

test('a bad parameter points at the .viommu() call', async () => {
  await assert.rejects(evaluateScript(script('{ vcmdqz: 8 }'), 'kinds.ts', { timeoutMs: 10_000 }), (e: unknown) => {
    assert.ok(e instanceof ScriptError);
    assert.deepEqual([e.diagnostic.kind, e.diagnostic.line, e.diagnostic.column], ['schema', 6, 4]);
    assert.match(e.diagnostic.message, /^vms\[0\]\.viommus\[0\]\.params: unknown field "vcmdqz"/);
    return true;
  });
});

test('an unknown host IOMMU kind points at the .hostIommu() call and lists the known kinds', async () => {
  await assert.rejects(evaluateScript(script('{}', 'smmu-typo'), 'kinds.ts', { timeoutMs: 10_000 }), (e: unknown) => {
    assert.ok(e instanceof ScriptError);
    assert.deepEqual([e.diagnostic.line, e.diagnostic.column], [4, 4]);
    assert.match(e.diagnostic.message, /^host\.iommus\[0\]\.kind: unknown host IOMMU kind "smmu-typo"; known kinds: .*none/);
    return true;
  });
});

test('an experiment without a topology points at experiment()', async () => {
  await assert.rejects(evaluateScript("import { experiment } from 'viommu-lab';\n\nexport default experiment('empty').replicate(2);\n", 'empty.ts', { timeoutMs: 10_000 }), (e: unknown) => {
    assert.ok(e instanceof ScriptError);
    assert.deepEqual([e.diagnostic.line, e.diagnostic.column], [3, 16]);
    assert.match(e.diagnostic.message, /experiment "empty" has no topology/);
    return true;
  });
});
