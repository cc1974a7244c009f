// Models as plug-ins (issue 9, done-when 1): a throwaway model is one folder plus one registry
// line, and nothing else is edited. The test copies the source tree to a temporary folder, adds
// the example model of main/engine/models/README.md as models/throwaway/model.ts and the
// README's registry line, then drives the copy from outside, as a user would: the profile loader
// gives the model's cost its declared base value, `npm run gen:dts` puts the kind and its params
// in the DSL's .d.ts, a script using it type-checks against that .d.ts, and the CLI runs a spec
// through it (its cost charged, its metric in the result, `--set` overriding the cost).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const readme = readFileSync(join(root, 'main/engine/models/README.md'), 'utf8');

function example(marker: string): string {
  const m = new RegExp(`<!-- example:${marker} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  assert.ok(m, `README has the ${marker} example`);
  return m[1]!;
}

const tree = mkdtempSync(join(tmpdir(), 'viommu-plugin-'));
test.after(() => rmSync(tree, { recursive: true, force: true }));

// The copy: everything the CLI, the profile loader and gen:dts read; node_modules is shared.
for (const p of ['main', 'resources', 'scripts', 'bin', 'package.json', 'tsconfig.json']) cpSync(join(root, p), join(tree, p), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
mkdirSync(join(tree, 'main/engine/models/throwaway'));
writeFileSync(join(tree, 'main/engine/models/throwaway/model.ts'), example('model'));
appendFileSync(join(tree, 'main/engine/models/registry.ts'), example('registry'));

const env: NodeJS.ProcessEnv = { ...process.env, VIOMMU_LAB_RESOURCES: '', NO_COLOR: '1' };
delete env.VIOMMU_LAB_DB;
const node = (args: string[]): string => execFileSync(process.execPath, args, { cwd: tree, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const cli = (...args: string[]): string => node(['bin/viommu-lab.cjs', ...args]);

const spec = {
  name: 'throwaway',
  duration: '200us',
  vms: [{ id: 'vm0', memory: '1GiB', vcpus: 1, viommus: [{ id: 'v0', kind: 'throwaway', params: { passes: 2 } }] }],
  devices: [{ id: 'd0', vm: 'vm0', viommu: 'v0', workload: { kind: 'map-bench', maxOps: 10 } }],
};
writeFileSync(join(tree, 'spec.json'), JSON.stringify(spec));

/** The scalars of the one run in `--json` output, whatever shape wraps them. */
function scalarsOf(json: string): Record<string, number> {
  const found: Record<string, number>[] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.scalars !== undefined && typeof o.scalars === 'object') found.push(o.scalars as Record<string, number>);
    else Object.values(o).forEach(walk);
  };
  walk(JSON.parse(json));
  assert.equal(found.length, 1, 'one run in the output');
  return found[0]!;
}

test('the profile loader gives the new cost its declared base value, in every profile', () => {
  const out = node([
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    "const { loadProfile } = await import('./main/api/profiles.ts'); for (const id of ['base', 'power9-kvm']) console.log(JSON.stringify(loadProfile(id).params['throwaway.map_ns']));",
  ]);
  const [base, power9] = out.trim().split('\n').map((l) => JSON.parse(l) as { value: number; unit: string; source: string; from: string });
  assert.deepEqual(base, { value: 250, unit: 'ns', source: 'estimate: an example value', from: 'base' });
  assert.deepEqual(power9, base);
});

test('gen:dts puts the kind and its documented params into the .d.ts, and a script using them type-checks', () => {
  node(['--import', 'tsx', 'scripts/gen-dts.ts']);
  const dts = readFileSync(join(tree, 'resources/viommu-lab.d.ts'), 'utf8');
  assert.match(dts, /\/\*\* identity-mapping example vIOMMU that charges a fixed cost per map \*\/\n\s*"throwaway": \{/);
  assert.match(dts, /How many times each map pays throwaway\.map_ns\.\n\s*\* @defaultValue 1\n\s*\*\/\n\s*passes\?: number;/);
  const script = `import { topology, mapBench } from 'viommu-lab';
export default topology({ duration: '200us' })
  .vm('vm0', { memory: '1GiB', vcpus: 1 })
  .viommu('v0', 'throwaway', { passes: 2 })
  .device('d0', { viommu: 'v0', workload: mapBench({ maxOps: 10 }) });
`;
  writeFileSync(join(tree, 'use.ts'), script);
  assert.match(cli('check', 'use.ts'), /ok|1 spec|valid/i);
  writeFileSync(join(tree, 'typo.ts'), script.replace('passes: 2', 'passez: 2'));
  assert.throws(() => cli('check', 'typo.ts'), (e: { stderr?: string }) => /passez/.test(String(e.stderr)));
});

test('the CLI runs a spec through the new model: its cost is charged, its metric reported, --set overrides the cost', () => {
  const db = join(tree, 'lab.sqlite');
  const a = scalarsOf(cli('run', 'spec.json', '--db', db, '--json'));
  assert.equal(a['throwaway.maps'], 10);
  assert.equal(a['map.latency_ns.p50'], 2 * 250, 'passes × throwaway.map_ns');
  const b = scalarsOf(cli('run', 'spec.json', '--db', db, '--json', '--set', 'throwaway.map_ns=400'));
  assert.equal(b['map.latency_ns.p50'], 2 * 400);
});
