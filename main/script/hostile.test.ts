// Hostile scripts: each ends in under 2 s with one clear error, while this process keeps working
// (its event loop runs during the evaluation, and nothing the script does is visible here).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateScript, ScriptError, type EvaluateOptions, type ScriptErrorKind } from './api';
import { warmScriptPath } from '../../test/support/script-warm-up';

// Scripts not about the time limit get 5 s, so a loaded machine does not turn a memory or stack
// error into a deadline; the CPU bound below still asks for an end within 2 s of work.
async function hostile(source: string, kind: ScriptErrorKind, message: RegExp, opts: EvaluateOptions = { timeoutMs: 5000 }): Promise<ScriptError> {
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 10);
  const started = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  try {
    await evaluateScript(source, 'hostile.ts', opts);
    assert.fail('the script was accepted');
  } catch (e) {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    assert.ok(e instanceof ScriptError, `not a ScriptError: ${String(e)}`);
    assert.equal(e.diagnostic.kind, kind, e.message);
    assert.match(e.diagnostic.message, message);
    assert.match(e.message, /^hostile\.ts:\d+:\d+: /);
    // "Within 2 s" is judged on the CPU this process (host and sandbox worker) spent, which a
    // loaded machine does not inflate; the wall clock only guards against a hang.
    assert.ok(cpuMs < 2000, `used ${cpuMs.toFixed(0)} ms of CPU`);
    assert.ok(ms < 10_000, `took ${ms.toFixed(0)} ms`);
    // Evaluations refused before the sandbox starts take a few ms; the others run off this thread.
    if (ms > 100) assert.ok(ticks > 0, 'the host event loop was blocked during the evaluation');
    return e;
  } finally {
    clearInterval(ticker);
  }
  throw new Error('unreachable');
}

before(warmScriptPath);

test('an infinite loop hits the deadline', async () => {
  await hostile('let i = 0;\nwhile (true) { i++; }\n', 'limit', /longer than its 500 ms limit/, {});
});

test('unbounded allocation hits a limit', async () => {
  const e = await hostile('const keep: Float64Array[] = [];\nfor (;;) keep.push(new Float64Array(1 << 20));\n', 'limit', /more than its 64 MiB memory limit/);
  assert.equal(e.diagnostic.line, 2);
});

test('deep recursion hits the stack limit', async () => {
  const e = await hostile('function down(n: number): number {\n  return down(n + 1) + 1;\n}\ndown(0);\n', 'limit', /stack limit/);
  assert.equal(e.diagnostic.line, 2);
});

test("require('fs') is refused", async () => {
  const e = await hostile("const fs = require('fs');\nfs.readFileSync('/etc/passwd');\n", 'forbidden', /require\(\) of "fs" is not available/);
  assert.equal(e.diagnostic.line, 1);
});

test('require reached indirectly does not exist', async () => {
  await hostile("const r = (globalThis as any)['req' + 'uire'];\nr('fs');\n", 'runtime', /not a function/);
});

test('process.exit() is refused and the host survives', async () => {
  await hostile('process.exit(3);\n', 'forbidden', /process is not available/);
});

test("import('fs') is refused", async () => {
  await hostile("import('fs');\n", 'forbidden', /import\(\) of "fs" is not available/);
});

test('an import() of a computed name is refused at run time', async () => {
  await hostile("const name = ['f', 's'].join('');\nawait import(name);\n", 'forbidden', /import of "fs" is not available/);
});

test("globalThis.constructor.constructor('return process')() finds no process", async () => {
  await hostile("(globalThis as any).constructor.constructor('return process')();\n", 'forbidden', /process is not available/);
});

test('prototype pollution inside the script is not visible to the host', async () => {
  const source = `import { topology, mapBench } from 'viommu-lab';
(Object.prototype as any).polluted = 'yes';
(Array.prototype as any).polluted = 'yes';
export default topology().vm('vm0', { memory: '1GiB' }).device('d', { workload: mapBench() });
`;
  const r = await evaluateScript(source, 'pollute.ts');
  assert.equal(r.specs.length, 1);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(([] as unknown as Record<string, unknown>).polluted, undefined);
  assert.equal((r.specs[0] as unknown as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(r.specs[0]), Object.prototype);
});

test('a __proto__ key in the produced spec is refused', async () => {
  const source = `import { topology, mapBench } from 'viommu-lab';
export default topology().vm('vm0', { memory: '1GiB', params: JSON.parse('{"__proto__": {"polluted": true}}') }).device('d', { workload: mapBench() });
`;
  await hostile(source, 'forbidden', /"__proto__"/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a 50 MB string returned as the spec is refused', async () => {
  await hostile("import { topology } from 'viommu-lab';\nexport default topology({ name: 'x'.repeat(50_000_000) });\n", 'limit', /limit/);
});

test('a 50 MB string built by doubling hits the memory limit', async () => {
  await hostile("import { topology } from 'viommu-lab';\nlet s = 'x';\nwhile (s.length < 50_000_000) s += s;\nexport default topology({ name: s });\n", 'limit', /memory limit/);
});

test('a result larger than the result limit is refused', async () => {
  const source = "import { topology } from 'viommu-lab';\nexport default topology({ name: 'x'.repeat(20_000) });\n";
  await assert.rejects(evaluateScript(source, 'big.ts', { maxResultChars: 10_000 }), (e: unknown) => {
    assert.ok(e instanceof ScriptError);
    assert.equal(e.diagnostic.kind, 'limit');
    assert.match(e.diagnostic.message, /produced \d+\.\d kB of specs; the limit is 10\.0 kB/);
    assert.equal(e.diagnostic.line, 2);
    return true;
  });
});

test('a string as the default export is refused', async () => {
  await hostile("export default 'x'.repeat(1000);\n", 'runtime', /must `export default` an experiment/);
});

test('the host keeps working after all of the above', async () => {
  const r = await evaluateScript("import { topology, boot } from 'viommu-lab';\nexport default topology().vm('vm0', { memory: '1GiB' }).device('d', { workload: boot() });\n", 'fine.ts');
  assert.equal(r.specs.length, 1);
});
