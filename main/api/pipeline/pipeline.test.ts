import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { dispatch } from '../../common/api/contract';
import { formatDiagnostic } from '../../common/diagnostics';
import { LabStore } from '../../store/store';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { createLabService } from '../service';
import { BAD_SOURCES } from '../../../test/support/bad-sources';
import { FakeExecutor, specJson } from '../../../test/support/fake-executor';
// @ts-expect-error: a plain .mjs build script without type declarations
import { NODE_BUNDLE } from '../../../scripts/build.mjs';

const ROOT = join(import.meta.dirname, '..', '..', '..');

async function cliCheck(file: string): Promise<{ code: number; err: string }> {
  let err = '';
  const io: CliIO = { out: () => {}, err: (t) => void (err += t), isTTY: false };
  const code = await main(['check', file, '--no-types'], io);
  return { code, err };
}

test('the same bad source gives the same diagnostic from the CLI and from the service (the editor marker)', async () => {
  // The CLI names files as given: run it from the folder, so both see the bare file name.
  const dir = mkdtempSync(join(tmpdir(), 'viommu-pipeline-'));
  process.chdir(dir);
  const store = LabStore.open(':memory:');
  const exec = new FakeExecutor(1);
  const service = createLabService({ store, executor: exec });
  try {
    for (const bad of BAD_SOURCES) {
      writeFileSync(join(dir, bad.file), bad.source);
      const r = await dispatch(service, 'checkScript', { file: bad.file, source: bad.source });
      assert.equal(r.ok, false, bad.file);
      assert.equal(r.diagnostics.length, 1, `${bad.file}: ${JSON.stringify(r.diagnostics)}`);
      const d = r.diagnostics[0]!;
      assert.equal(d.kind, bad.kind, bad.file);
      assert.match(d.message, bad.message, bad.file);
      assert.ok(d.line > 1, `${bad.file}: placed on the offending part, not at the top (${d.line}:${d.column})`);
      const cli = await cliCheck(bad.file);
      assert.equal(cli.code, 1);
      assert.equal(cli.err, `viommu-lab: ${formatDiagnostic(bad.file, { ...d, kind: bad.kind })}\n`);
    }
  } finally {
    await service.close();
    store.close();
    process.chdir(ROOT);
  }
});

test('the service asks the executor (the engine host) for the topology check and places its answer', async () => {
  const store = LabStore.open(':memory:');
  const exec = new FakeExecutor(1);
  // A stand-in engine host that refuses a topology its models would build: the service has no other source of topology errors.
  exec.checkTopology = async (runs) => {
    exec.checks.push(runs.map((r) => r.spec));
    return runs.map(() => ({ path: 'vms[0].memory', detail: 'refused by the stand-in engine host' }));
  };
  const service = createLabService({ store, executor: exec });
  try {
    const source = JSON.stringify(specJson('spy'), null, 2);
    const r = await dispatch(service, 'checkScript', { file: 'spy.json', source });
    assert.equal(exec.checks.length, 1);
    assert.equal(exec.checks[0]![0]!.name, 'spy');
    assert.equal(r.diagnostics.length, 1);
    const d = r.diagnostics[0]!;
    assert.equal(d.kind, 'topology');
    assert.equal(d.message, 'vms[0].memory: refused by the stand-in engine host');
    assert.equal(source.split('\n')[d.line - 1]!.slice(d.column - 1), '"memory": "1GiB",');
    const started = await dispatch(service, 'start', { file: 'spy.json', source });
    assert.equal(started.ok, false);
    assert.equal(exec.checks.length, 2);
    assert.equal(exec.tasks.length, 0, 'nothing ran');
    assert.equal(store.listRuns().length, 0, 'nothing stored');
  } finally {
    await service.close();
    store.close();
  }
});

test("Electron's main bundle (and the browser host's) cannot build a machine: the engine's run and machine modules are not in it", async () => {
  for (const entry of ['main/shell/main.ts', 'main/web/main.ts']) {
    const r = await build({ ...(NODE_BUNDLE as object), entryPoints: [join(ROOT, entry)], write: false, metafile: true, outfile: join(tmpdir(), 'viommu-main.cjs'), absWorkingDir: ROOT });
    const inputs = Object.keys(r.metafile.inputs);
    assert.ok(inputs.includes('main/api/service.ts'), `${entry} bundles the service`);
    assert.ok(inputs.includes('main/api/pipeline/pipeline.ts'), `${entry} bundles the run pipeline`);
    const forbidden = inputs.filter((p) => p === 'main/engine/run.ts' || p.startsWith('main/engine/machine/') || p === 'main/api/pipeline/topology-check.ts' || p === 'main/api/runner.ts');
    assert.deepEqual(forbidden, [], `${entry} must leave machine building to the engine host's workers`);
  }
});
