// The import-direction and determinism rules are enforced by lint; prove each one fires (and
// that what the design allows passes), zone by zone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
// @ts-expect-error plain ESM lint rule without declarations
import { ENGINE_ENTRY, OWNED, ZONES } from '../tools/eslint/layers.js';

const root = new URL('../', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });
const zones = ZONES as Record<string, { imports: string[] }>;

async function messages(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(root, file) });
  return r!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

/** A file of `zone` and the relative path from it to `main/<target>`. */
const fileIn = (zone: string, name = 'x.ts'): string => (zone === 'renderer' ? `renderer/${name}` : `main/${zone}/${name}`);
const toMain = (zone: string, target: string): string => (zone === 'renderer' ? `../main/${target}` : `../${target}`);

test('every folder of main/ is a zone with its allowed imports', () => {
  const folders = readdirSync(join(root, 'main')).filter((f) => statSync(join(root, 'main', f)).isDirectory());
  assert.deepEqual(folders.filter((f) => !(f in zones)), [], 'undeclared folders under main/');
  for (const z of Object.values(zones)) for (const i of z.imports) assert.ok(i === 'engine:entry' || i in zones, i);
});

test('a file in an undeclared folder of main/ is refused until its zone is declared', async () => {
  assert.match((await messages('main/newlayer/x.ts', 'export const a = 1;\n'))[0]!, /main\/newlayer is not a zone: every folder of main\/ is declared/);
  assert.match((await messages('main/x.ts', 'export const a = 1;\n'))[0]!, /is not a zone/);
});

test('each zone imports only the zones below it: every other arrow fails', async () => {
  const targets = Object.keys(zones).filter((z) => z !== 'renderer');
  for (const [zone, { imports }] of Object.entries(zones)) {
    for (const target of targets) {
      if (target === zone) continue;
      const spec = toMain(zone, target === 'engine' ? 'engine/run' : `${target}/y`);
      const got = await messages(fileIn(zone), `import { y } from '${spec}';\nexport const a = y;\n`);
      const allowed = imports.includes(target) || (target === 'engine' && imports.includes('engine:entry'));
      if (allowed) assert.deepEqual(got, [], `${zone} → ${target} is allowed`);
      else assert.match(got[0] ?? '', /local\/layers: .* may import only/, `${zone} → ${target} must fail`);
    }
  }
});

test('main/store never imports main/api; main/script never imports main/api (no arrow upward)', async () => {
  assert.match((await messages('main/store/x.ts', "import { createLabService } from '../api/service';\nexport const a = createLabService;\n"))[0]!, /main\/store may import only main\/common, not main\/api\/service/);
  assert.match((await messages('main/script/x.ts', "import { resourcesDir } from '../api/resources';\nexport const a = resourcesDir;\n"))[0]!, /main\/script may import only .* not main\/api\/resources/);
});

test('electron is imported only in main/shell, tests included', async () => {
  const code = "import { app } from 'electron';\nexport const a = app;\n";
  assert.match((await messages('main/api/x.ts', code))[0]!, /"electron" is imported only in main\/shell/);
  assert.match((await messages('main/api/x.test.ts', code))[0]!, /"electron" is imported only in main\/shell/);
  assert.match((await messages('main/web/x.ts', code))[0]!, /"electron" is imported only in main\/shell/);
  assert.match((await messages('test/x.test.ts', code))[0]!, /"electron" is imported only in main\/shell/);
  assert.match((await messages('renderer/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"))[0]!, /"electron" is imported only in main\/shell/);
  assert.deepEqual(await messages('main/shell/x.ts', code), []);
});

test('a package with native code or a Node-only runtime is imported by its owning zone only', async () => {
  for (const [pkg, owner] of Object.entries(OWNED as Record<string, string>)) {
    const code = `import x from '${pkg}';\nexport const a = x;\n`;
    assert.deepEqual(await messages(fileIn(owner), code), [], `${pkg} in ${owner}`);
    const other = owner === 'api' ? 'cli' : 'api';
    assert.match((await messages(fileIn(other), code))[0]!, pkg === 'electron' ? /only in main\/shell/ : new RegExp(`must not import "${pkg}": it belongs to main/${owner}`));
  }
});

test('the API reaches the engine only through its entry surface', async () => {
  assert.match((await messages('main/api/x.ts', "import { quantileOf } from '../engine/metrics/histogram';\nexport const a = quantileOf;\n"))[0]!, /main\/api enters main\/engine only through .*, not main\/engine\/metrics\/histogram/);
  assert.match((await messages('main/cli/x.ts', "import { Machine } from '../engine/machine/machine';\nexport const a = Machine;\n"))[0]!, /main\/cli enters main\/engine only through/);
  for (const entry of ENGINE_ENTRY as string[]) {
    const spec = '../' + entry.replace(/^main\//, '').replace(/\.ts$/, '');
    assert.deepEqual(await messages('main/api/x.ts', `import { y } from '${spec}';\nexport const a = y;\n`), [], entry);
  }
  assert.match((await messages('main/web/x.ts', "import { runSimulation } from '../engine/run';\nexport const a = runSimulation;\n"))[0]!, /main\/web may import only/);
});

test('errors shared by layers live in main/common', async () => {
  assert.match((await messages('main/cli/x.ts', "import { StoreVersionError } from '../store/migrate';\nexport const a = StoreVersionError;\n"))[0]!, /errors shared by layers live in main\/common: StoreVersionError comes from main\/store\/migrate/);
  assert.deepEqual(await messages('main/cli/x.ts', "import { SpecError } from '../common/spec';\nexport const a = SpecError;\n"), []);
  assert.deepEqual(await messages('main/cli/x.ts', "import type { StoreVersionError } from '../store/migrate';\nexport type A = StoreVersionError;\n"), [], 'a type-only import names no shared class');
  assert.deepEqual(await messages('main/store/x.ts', "import { StoreVersionError } from './migrate';\nexport const a = StoreVersionError;\n"), [], 'inside its own zone');
});

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
  assert.match((await messages('renderer/x.ts', "import { readFileSync } from 'fs';\nexport const a = readFileSync;\n"))[0]!, /renderer must not import "fs"/);
  assert.deepEqual(await messages('renderer/x.ts', "import { Chart } from 'chart.js';\nexport const a = Chart;\n"), []);
});

test('main/common stays pure', async () => {
  assert.match((await messages('main/common/x.ts', "import { join } from 'node:path';\nexport const a = join;\n"))[0]!, /main\/common must stay pure/);
  assert.match((await messages('main/common/x.ts', "import { y } from '../engine/run';\nexport const a = y;\n"))[0]!, /main\/common may import only nothing outside itself/);
});

test('no wall clock, real timers or Math.random in the engine', async () => {
  const m = await messages('main/engine/x.ts', 'export const a = Date.now() + Math.random() + performance.now() + new Date().getTime();\nsetTimeout(() => {}, 1);\n');
  assert.equal(m.length, 5, m.join('\n'));
  assert.deepEqual(await messages('main/engine/x.test.ts', 'export const a = Date.now();\n'), []);
});
