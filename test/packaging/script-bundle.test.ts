// The packaged app runs main/script from a CommonJS bundle, without sources or a TypeScript
// loader. Bundle it exactly as scripts/build.mjs bundles the Electron main process, and check a
// script still evaluates there (the sandbox worker and DSL runtime found next to the bundle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
// @ts-expect-error plain ESM build script without declarations
import { buildScriptSandbox, NODE_BUNDLE } from '../../scripts/build.mjs';

const root = new URL('../../', import.meta.url).pathname;

test('a bundled app evaluates a TypeScript script with no sources and no loader', async (t) => {
  // Inside the repository so the bundle resolves its external packages from node_modules.
  mkdirSync(join(root, '.test-artifacts'), { recursive: true });
  const dir = mkdtempSync(join(root, '.test-artifacts', 'bundle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await buildScriptSandbox(dir);
  await build({
    ...NODE_BUNDLE,
    stdin: { contents: "export { evaluateScript } from './main/script/api';", resolveDir: root, loader: 'ts' },
    outfile: join(dir, 'script.cjs'),
  });
  const source = readFileSync(join(root, 'resources/examples/baseline.ts'), 'utf8');
  const out = execFileSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(join(dir, 'script.cjs'))}).evaluateScript(process.argv[1], 'baseline.ts').then((e) => console.log(e.name + ' ' + e.specs.length))`, source],
    { encoding: 'utf8', cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  assert.equal(out.trim(), 'baseline: dma-direct, no IOMMU 12');
});
