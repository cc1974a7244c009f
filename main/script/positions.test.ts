// Every kind of script error reports the script's own line:column (through the source map).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateScript, ScriptError, type ScriptDiagnostic } from './api';

async function diagnostic(source: string): Promise<ScriptDiagnostic> {
  try {
    await evaluateScript(source, 'exp.ts', { timeoutMs: 10_000 });
  } catch (e) {
    assert.ok(e instanceof ScriptError, String(e));
    return e.diagnostic;
  }
  assert.fail('the script was accepted');
}

test('a syntax error points at the offending token', async () => {
  // Type annotations before the error shift nothing: positions are the TypeScript source's.
  const d = await diagnostic("import { topology } from 'viommu-lab';\nconst n: number = 1;\nconst x = ;\nexport default topology();\n");
  assert.deepEqual([d.kind, d.line, d.column], ['syntax', 3, 11]);
});

test('a runtime throw points at the throw, through type-only lines the transpiler drops', async () => {
  const source = `import { topology } from 'viommu-lab';
interface Knobs {
  depth: number;
}
type Alias = Knobs;
function check(k: Alias): number {
  if (k.depth > 3) throw new RangeError('depth too large');
  return k.depth;
}
check({ depth: 9 });
export default topology();
`;
  const d = await diagnostic(source);
  assert.equal(d.kind, 'runtime');
  assert.equal(d.line, 7);
  assert.equal(d.column, 30); // the error's constructor
  assert.match(d.message, /RangeError: depth too large/);
});

test('a bad unit in a builder option points at the option in the builder call', async () => {
  const source = `import { topology, boot } from 'viommu-lab';
export default topology()
  .vm('vm0', { memory: '8GiBs' as never })
  .device('d', { workload: boot() });
`;
  const d = await diagnostic(source);
  // The span is the option as written: `memory: '8GiBs' as never`.
  assert.deepEqual([d.kind, d.line, d.column, d.endLine, d.endColumn], ['schema', 3, 16, 3, 16 + "memory: '8GiBs' as never".length]);
  assert.match(d.message, /^vms\[0\]\.memory: unknown bytes unit "GiBs"/);
});

test('a bad unit inside a workload points at the option in the workload helper', async () => {
  const source = `import { topology, mapBench } from 'viommu-lab';
export default topology()
  .vm('vm0', { memory: '1GiB' })
  .device('d', {
    kind: 'dma-engine',
    workload: mapBench({ granule: '4KB/s' as never }),
  });
`;
  const d = await diagnostic(source);
  assert.deepEqual([d.kind, d.line, d.column], ['schema', 6, 26]);
  assert.match(d.message, /workload\.granule: unknown bytes unit "KB\/s"/);
});

test('a unit helper given a bad value throws at its call', async () => {
  const d = await diagnostic("import { topology, GiB } from 'viommu-lab';\n\nexport default topology().vm('vm0', { memory: GiB(-1) });\n");
  assert.deepEqual([d.kind, d.line, d.column], ['runtime', 3, 47]);
  assert.match(d.message, /GiB\(-1\): expected a finite non-negative number/);
});

test('a schema error in one sweep point names the point and marks the option in the builder call', async () => {
  const source = `import { topology, mapBench, experiment } from 'viommu-lab';
export default experiment('pos')
  .grid({ vm: ['vm0', 'nope'] })
  .topology((p) =>
    topology()
      .vm('vm0', { memory: '1GiB' })
      .device('d0', { vm: p.vm, workload: mapBench() }),
  );
`;
  const d = await diagnostic(source);
  assert.deepEqual([d.kind, d.line, d.column, d.endColumn], ['schema', 7, 23, 23 + 'vm: p.vm'.length]);
  assert.equal(d.message, 'devices[0].vm: no VM with id "nope" (sweep point vm=nope)');
});

test('DSL misuse points at the call', async () => {
  const d = await diagnostic("import { topology } from 'viommu-lab';\nexport default topology()\n  .viommu('v0', 'x' as never);\n");
  assert.deepEqual([d.kind, d.line], ['runtime', 3]);
  assert.match(d.message, /\.viommu\(\) needs a VM/);
});

test('a script without a default export says what it must export', async () => {
  const d = await diagnostic("import { topology } from 'viommu-lab';\nconst t = topology();\n");
  assert.equal(d.kind, 'runtime');
  assert.match(d.message, /must `export default` an experiment\(\.\.\.\) or a topology\(\.\.\.\)/);
});
