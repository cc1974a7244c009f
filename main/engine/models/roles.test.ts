// The four roles of the plug-in contract, exercised with test models added to a catalogue built
// by buildCatalog (the registry untouched): a transport wraps its device's DMA path, a
// confidential kind wraps every device path of its VM, both are accepted by the spec only while
// a model declares them, and their params are validated with JSON paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from '../../common/models/params-kit';
import { CORE_COSTS } from '../../common/profile/core';
import { declareCosts } from '../../common/profile/params';
import { declareMetrics } from '../../common/metrics/names';
import { resolveProfile } from '../../common/profile/profile';
import { SpecError } from '../../common/spec';
import { loadProfileFiles } from '../../api/profiles';
import { buildCatalog, catalog } from '../catalog';
import { Costs } from '../costs/costs';
import { Environment, type ProcessGenerator } from '../kernel';
import { Machine } from '../machine/machine';
import { Metrics } from '../metrics/collector';
import type { DmaPath } from '../dma/path';
import { defineModel } from './model';

const C = declareCosts({ kickNs: { name: 'testtransport.kick_ns', unit: 'ns', doc: 'a test transport kick per map', value: 700, source: 'estimate: test value' } });
const M = declareMetrics({ kicks: { name: 'testtransport.kicks', kind: 'counter', unit: 'count', doc: 'kicks of the test transport' } });

const transport = defineModel({
  kind: 'testio',
  role: 'transport',
  summary: 'a test transport that kicks once per map',
  params: z.object({ kicksPerMap: z.number().int().min(1).default(1).describe('kicks per map call') }),
  costs: [C],
  metrics: [M],
  create(ctx, params) {
    const kickNs = ctx.costs.ns(C.kickNs) * params.kicksPerMap;
    const kicks = ctx.metrics.counter(M.kicks);
    return {
      wrap: (_vm, inner): DmaPath => ({
        name: `testio+${inner.name}`,
        probe: (cpu) => inner.probe(cpu),
        *map(cpu, gpa, bytes, dir) {
          yield kickNs;
          kicks.inc(params.kicksPerMap);
          return yield* inner.map(cpu, gpa, bytes, dir);
        },
        unmap: (cpu, m) => inner.unmap(cpu, m),
        translate: (pfn, off, bytes, write) => inner.translate(pfn, off, bytes, write),
      }),
    };
  },
});

const wrapped: string[] = [];
const cvm = defineModel({
  kind: 'testcvm',
  role: 'confidential',
  summary: 'a test confidential kind that records the device paths it wraps',
  params: z.object({ granule: z.number().int().default(4096).describe('conversion granule in bytes') }),
  costs: [],
  metrics: [],
  create(_ctx, params, at) {
    return {
      wrap(device, _vm, path) {
        wrapped.push(`${at.path}:${device.id}:${params.granule}:${path.name}`);
        return path;
      },
    };
  },
});

const testCatalog = buildCatalog([...catalog.models, transport, cvm]);

const spec = (extra: { vm?: object; dev?: object } = {}) => ({
  vms: [{ id: 'vm0', memory: '1GiB', vcpus: 1, ...extra.vm }],
  devices: [{ id: 'd0', vm: 'vm0', workload: { kind: 'map-bench', maxOps: 4 }, ...extra.dev }],
});

function issues(parse: (x: unknown) => unknown, input: unknown): string[] {
  try {
    parse(input);
  } catch (e) {
    assert.ok(e instanceof SpecError);
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('expected a SpecError');
}

test('a transport and a confidential kind are spec kinds only while a model declares them', () => {
  const withBoth = spec({ vm: { confidential: { kind: 'testcvm', params: { granule: 2097152 } } }, dev: { transport: { kind: 'testio', params: { kicksPerMap: 2 } } } });
  const s = testCatalog.parseSpec(withBoth);
  assert.deepEqual(s.vms[0]!.confidential, { kind: 'testcvm', params: { granule: 2097152 } });
  assert.deepEqual(s.devices[0]!.transport, { kind: 'testio', params: { kicksPerMap: 2 } });
  assert.deepEqual(testCatalog.parseSpec(spec({ vm: { confidential: 'testcvm' } })).vms[0]!.confidential, { kind: 'testcvm', params: { granule: 4096 } });
  assert.deepEqual(issues(catalog.parseSpec, withBoth), [
    'vms[0].confidential: unknown confidential-computing kind "testcvm"; known kinds: none, pef (a kind is accepted once a model for it is registered)',
    'devices[0].transport.kind: unknown device transport kind "testio"; known kinds: virtio',
  ]);
  assert.match(issues(testCatalog.parseSpec, spec({ dev: { transport: { kind: 'testio', params: { kicks: 2 } } } }))[0]!, /^devices\[0\]\.transport\.params: unknown field "kicks"/);
  assert.match(issues(catalog.parseSpec, spec({ vm: { confidential: 'tdx' } }))[0]!, /^vms\[0\]\.confidential: unknown confidential-computing kind "tdx"; known kinds: none, pef \(a kind is accepted once a model for it is registered\)$/);
});

test('the machine wraps the IOMMU path with the confidential model, then the transport; their costs and metrics are in the catalogue', () => {
  const s = testCatalog.parseSpec(spec({ vm: { confidential: 'testcvm' }, dev: { transport: { kind: 'testio', params: { kicksPerMap: 3 } } } }));
  const files = new Map(loadProfileFiles());
  files.set('base', testCatalog.baseProfile);
  const profile = resolveProfile(testCatalog.params, files, 'kvm-x86-2024');
  assert.equal(profile.params['testtransport.kick_ns']!.value, 700);
  const env = new Environment(1);
  const metrics = new Metrics(1000);
  const m = new Machine(env, s, new Costs(profile), metrics, () => {}, testCatalog);
  const dev = m.devices[0]!;
  assert.equal(dev.path.name, 'testio+dma-direct');
  assert.deepEqual(wrapped, ['vms[0].confidential:d0:4096:dma-direct']);
  const cpu = dev.vcpu(0);
  const run = env.process(
    (function* (): ProcessGenerator<number> {
      const t0 = env.now;
      yield* cpu.run(dev.path.map(cpu, 0x100000, 4096, 'to-device'));
      return env.now - t0;
    })(),
  );
  env.run();
  assert.equal(run.value, 3 * 700 + new Costs(profile).ns(CORE_COSTS.guestDmaDirectMapNs));
  assert.equal(metrics.collect().scalars['testtransport.kicks'], 3);
  assert.ok(testCatalog.metrics.lookup('testtransport.kicks'));
});

test('a model whose params lack a default or a description is refused at definition', () => {
  const base = { kind: 'bad', role: 'viommu' as const, summary: 'a model with a bad params schema', costs: [], metrics: [], create: () => ({ id: 'x', attach: () => assert.fail() }) };
  assert.throws(() => defineModel({ ...base, params: z.object({ n: z.number().default(1) }) }), /params\.n needs a one-line \.describe\(\)/);
  assert.throws(() => defineModel({ ...base, params: z.object({ n: z.number().describe('a number') }) }), /params\.n needs a \.default\(\)/);
  assert.throws(() => buildCatalog([...catalog.models, transport, transport]), /two models register the transport kind "testio"/);
});
