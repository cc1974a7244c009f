/**
 * Every schema error of a source is reported, each with its exact line:column span (the editor
 * marks the span; the CLI prints its start): JSON specs, scripts' builder calls, type errors,
 * and the topology check's answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateScript } from '../../script/api';
import { inProcessChecker } from './topology-check';
import { prepareSource } from './pipeline';
import type { PositionedDiagnostic } from '../../common/diagnostics';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const deps = { evaluate: evaluateScript, checker: inProcessChecker };

/** [line, column, endLine, endColumn] of the first occurrence of `token` (end exclusive, 1-based). */
function spanOf(source: string, token: string): number[] {
  const lines = source.split('\n');
  const i = lines.findIndex((l) => l.includes(token));
  assert.ok(i >= 0, token);
  const col = lines[i]!.indexOf(token) + 1;
  return [i + 1, col, i + 1, col + token.length];
}
const spans = (ds: readonly PositionedDiagnostic[]) => ds.map((d) => [d.line, d.column, d.endLine, d.endColumn]);

test('a JSON spec with three schema errors gets three diagnostics, each spanning its field and value', async () => {
  const source = readFileSync(join(ROOT, 'resources/examples/baseline.json'), 'utf8').replace('"cpus": 32', '"cpus": -1').replace('"threads": 2', '"threads": -2').replace('"ringSize": 512', '"ringSize": "x"');
  const o = await prepareSource({ file: 'bad.json', source }, deps);
  assert.equal(o.ok, false);
  if (o.ok) return;
  assert.deepEqual(spans(o.diagnostics), [spanOf(source, '"cpus": -1'), spanOf(source, '"threads": -2'), spanOf(source, '"ringSize": "x"')], JSON.stringify(o.diagnostics));
  assert.match(o.diagnostics[2]!.message, /^devices\[1\]\.workload\.ringSize: /, 'the NIC workload names the NIC field, not the first workload kind of the union');
});

test('a script with two wrong values gets all three schema errors, each spanning the property in the builder call', { timeout: 60_000 }, async () => {
  const source = readFileSync(join(ROOT, 'resources/examples/baseline.ts'), 'utf8').replace('cpus: 32', 'cpus: -1').replace('threads: p.threads', 'threads: -3');
  const o = await prepareSource({ file: 'bad.ts', source, timeoutMs: 20_000 }, deps);
  assert.equal(o.ok, false);
  if (o.ok) return;
  // cpus: -1 is wrong twice over (not positive; fewer host CPUs than the VM's vCPUs): two diagnostics at its span.
  assert.deepEqual(spans(o.diagnostics), [spanOf(source, 'cpus: -1'), spanOf(source, 'threads: -3'), spanOf(source, 'cpus: -1')], JSON.stringify(o.diagnostics));
  assert.match(o.diagnostics[0]!.message, /^host\.cpus: Number must be greater than 0 \(sweep point threads=1 load=10Gbps\) \(and 3 more sweep points\)$/);
  assert.match(o.diagnostics[2]!.message, /^host\.cpus: the VMs have 4 vCPUs but the host has -1 CPUs/);
  assert.ok(o.diagnostics.every((d) => d.kind === 'schema'));
  assert.ok(o.diagnostics.every((d) => !/more problem/.test(d.message)), 'each error is its own diagnostic, not "(and N more problems)"');
});

test('every type error of a script is reported at its span, not only the first', { timeout: 60_000 }, async () => {
  const source = readFileSync(join(ROOT, 'resources/examples/baseline.ts'), 'utf8') + "\nconst a: number = 'one';\nconst b: string = 2;\n";
  const o = await prepareSource({ file: 'types.ts', source, timeoutMs: 20_000, typeCheck: true }, deps);
  assert.equal(o.ok, false);
  if (o.ok) return;
  // TypeScript places an assignment's error on the declared name: `a` and `b`, one character each.
  const lineOf = (t: string) => source.split('\n').findIndex((l) => l.startsWith(t)) + 1;
  assert.deepEqual(spans(o.diagnostics), [[lineOf('const a'), 7, lineOf('const a'), 8], [lineOf('const b'), 7, lineOf('const b'), 8]], JSON.stringify(o.diagnostics));
  assert.ok(o.diagnostics.every((d) => d.kind === 'type'));
});

test("a topology error spans the field the engine host names", async () => {
  const source = readFileSync(join(ROOT, 'resources/examples/baseline.json'), 'utf8');
  const checker = { checkTopology: async (runs: readonly unknown[]) => runs.map(() => ({ path: 'vms[0].memory', detail: 'refused' })) };
  const o = await prepareSource({ file: 'topo.json', source }, { evaluate: evaluateScript, checker });
  assert.equal(o.ok, false);
  if (o.ok) return;
  const memory = /"memory": "[^"]*"/.exec(source)![0];
  assert.deepEqual(spans(o.diagnostics), [spanOf(source, memory)]);
});
