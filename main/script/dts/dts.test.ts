// The generated declarations are up to date, every example type-checks against them, and a
// misspelled option or a wrong unit is a type error at its line:column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { resourcesDir } from '../resources';
import { typeCheck } from '../typecheck';
import { buildDts, SPEC_TYPES_FILE } from './build-dts';

test('resources/viommu-lab.d.ts and the DSL option types are up to date (else: npm run gen:dts)', () => {
  const { specTypes, dts } = buildDts();
  assert.equal(readFileSync(SPEC_TYPES_FILE, 'utf8'), specTypes, 'main/script/dsl/spec-types.generated.ts is stale: run npm run gen:dts');
  assert.equal(readFileSync(join(resourcesDir(), 'viommu-lab.d.ts'), 'utf8'), dts, 'resources/viommu-lab.d.ts is stale: run npm run gen:dts');
});

test('every example script type-checks with tsc --noEmit against the .d.ts', () => {
  const dir = join(resourcesDir(), 'examples');
  const config = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) })!;
  const examples = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(examples.includes('baseline.ts'));
  assert.deepEqual(config.fileNames.map((f) => f.replace(/^.*\//, '')).sort(), examples.sort());
  const program = ts.createProgram(config.fileNames, config.options);
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
  assert.deepEqual(errors, []);
});

test('a misspelled option is a type error at its line:column', () => {
  const source = `import { experiment, topology, mapBench } from 'viommu-lab';
export default experiment('typo')
  .grid({ threads: [1, 2] })
  .topology((p) =>
    topology()
      .vm('vm0', { memory: '8GiB' })
      .device('d', { workload: mapBench({ threds: p.threads }) }),
  );
`;
  const errors = typeCheck(source, 'typo.ts');
  assert.equal(errors.length, 1);
  assert.deepEqual([errors[0]!.kind, errors[0]!.line, errors[0]!.column], ['type', 7, 43]);
  assert.match(errors[0]!.message, /'threds' does not exist in type 'MapBenchOptions'/);
});

test('a wrong unit string and an unknown model kind are type errors', () => {
  const source = `import { topology, boot } from 'viommu-lab';
export default topology()
  .hostIommu('h0', 'no-such-kind')
  .vm('vm0', { memory: '8GiBs' })
  .device('d', { workload: boot() });
`;
  const lines = typeCheck(source, 'units.ts').map((e) => e.line);
  assert.deepEqual(lines, [3, 4]);
  assert.deepEqual(typeCheck(readFileSync(join(resourcesDir(), 'examples', 'baseline.ts'), 'utf8'), 'baseline.ts'), []);
});
