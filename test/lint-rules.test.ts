// The import-direction and determinism rules are enforced by lint; prove each one fires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = new URL('../', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

async function messages(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(root, file) });
  return r!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

test('the engine imports only main/common: no Node, no packages, no other layers', async () => {
  assert.match((await messages('main/engine/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"))[0]!, /local\/layers: main\/engine must not import the package "node:fs"/);
  assert.match((await messages('main/engine/x.ts', "import { LabStore } from '../store/store';\nexport const a = LabStore;\n"))[0]!, /main\/engine may import only main\/common, not main\/store\/store/);
  assert.deepEqual(await messages('main/engine/x.ts', "import { parseSpec } from '../common/spec';\nexport const a = parseSpec;\n"), []);
});

test('models never import each other', async () => {
  assert.match((await messages('main/engine/models/spapr/x.ts', "import { y } from '../smmuv3/y';\nexport const a = y;\n"))[0]!, /models never import each other: spapr imports smmuv3/);
  assert.deepEqual(await messages('main/engine/models/spapr/x.ts', "import type { IommuModel } from '../model';\nexport type A = IommuModel;\n"), []);
});

test('the renderer imports only main/common and no Node or Electron', async () => {
  assert.match((await messages('renderer/x.ts', "import { runSimulation } from '../main/engine/run';\nexport const a = runSimulation;\n"))[0]!, /renderer may import only main\/common/);
  assert.match((await messages('renderer/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"))[0]!, /renderer must not import "electron"/);
});

test('main/common stays pure', async () => {
  assert.match((await messages('main/common/x.ts', "import { join } from 'node:path';\nexport const a = join;\n"))[0]!, /main\/common must stay pure/);
});

test('no wall clock, real timers or Math.random in the engine', async () => {
  const m = await messages('main/engine/x.ts', 'export const a = Date.now() + Math.random() + performance.now() + new Date().getTime();\nsetTimeout(() => {}, 1);\n');
  assert.equal(m.length, 5, m.join('\n'));
  assert.deepEqual(await messages('main/engine/x.test.ts', 'export const a = Date.now();\n'), []);
});
