/**
 * The confidential-VM model through the spec: kinds accepted, topology refusals (a virtio device
 * without ACCESS_PLATFORM, at its transport, a vIOMMU inside, a non-x86 host, a pool that does not fit), and a fuzz
 * of 1,000 mutated CVM specs that must each be rejected with one clear error or run without a
 * crash (issue 13, Done-when 6).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareRun } from '../../main/api/runner';
import { prepareSpec } from '../../main/api/pipeline/prepared';
import { resourcesDir } from '../../main/api/resources';
import { topologyIssue } from '../../main/api/pipeline/topology-check';
import { runSimulation } from '../../main/engine/run';

const base = {
  duration: '200us',
  host: { arch: 'x86_64', cpus: 16 },
  vms: [{ id: 'guest', memory: '4GiB', vcpus: 2, confidential: { kind: 'tdx', params: {} } }],
  devices: [{ id: 'disk', vm: 'guest', kind: 'virtio-blk', attach: 'virtio', workload: { kind: 'block', queueDepth: 4, requestSize: 4096 } }],
};

function issueOf(spec: unknown): { path: string; detail: string } | null {
  const p = prepareSpec(spec);
  return topologyIssue(p.spec, p.profile);
}

test('tdx and sev-snp are accepted as a kind string or { kind, params }, and run', () => {
  for (const confidential of ['tdx', 'sev-snp', { kind: 'sev-snp', params: { acceptance: 'eager' } }]) {
    const spec = { ...base, vms: [{ ...base.vms[0], confidential }] };
    assert.equal(issueOf(spec), null);
    const p = prepareRun(spec);
    const r = runSimulation(p.spec, p.profile);
    assert.ok(r.scalars['cvm.boot_ns']! > 0);
    assert.ok(r.scalars['swiotlb.maps']! > 0, 'every I/O bounces');
    assert.ok(r.scalars['io.completed']! > 0);
  }
});

test('a CVM refuses a virtio device without ACCESS_PLATFORM at probe, at its transport\'s flag (Done-when 6)', () => {
  const virtio = (params: object) => ({ ...base.devices[0], transport: { kind: 'virtio', params } });
  for (const kind of ['tdx', 'sev-snp']) {
    const cvm = (dev: object) => ({ ...base, vms: [{ ...base.vms[0], confidential: kind }], devices: [dev] });
    const issue = issueOf(cvm(virtio({ accessPlatform: false })));
    assert.ok(issue !== null);
    assert.equal(issue.path, 'devices[0].transport.params.accessPlatform');
    assert.match(issue.detail, new RegExp(`^a ${kind} guest refuses a virtio device without VIRTIO_F_ACCESS_PLATFORM at probe`));
    // With the flag, or the proposed NO_IOMMU (dma-direct, bounced by the CVM's swiotlb), it runs and bounces.
    for (const params of [{ accessPlatform: true }, { noIommu: true }]) {
      assert.equal(issueOf(cvm(virtio(params))), null);
      const p = prepareRun(cvm(virtio(params)));
      const r = runSimulation(p.spec, p.profile);
      assert.ok(r.scalars['io.completed']! > 0 && r.scalars['swiotlb.maps']! > 0, JSON.stringify(params));
    }
  }
  // Not a CVM: the same device is fine (guest-physical addresses).
  assert.equal(issueOf({ ...base, vms: [{ ...base.vms[0], confidential: 'none' }], devices: [virtio({ accessPlatform: false })] }), null);
  // A device without a virtio transport uses the DMA API, which the CVM bounces: no refusal.
  assert.equal(issueOf({ ...base, devices: [{ ...base.devices[0], kind: 'nvme', attach: 'vfio' }] }), null);
});

test('topologies the model cannot build are one clear error each', () => {
  const arm = issueOf({ ...base, host: { arch: 'aarch64', cpus: 16 } });
  assert.equal(arm?.path, 'vms[0].confidential');
  assert.match(arm!.detail, /x86_64/);
  const tooBig = issueOf({ ...base, vms: [{ ...base.vms[0], memory: '128MiB', confidential: { kind: 'tdx', params: { swiotlb: '1GiB' } } }] });
  assert.equal(tooBig?.path, 'vms[0].confidential.params.swiotlb');
  assert.throws(() => prepareSpec({ ...base, vms: [{ ...base.vms[0], confidential: { kind: 'tdx', params: { privateBacking: 'hugetlb-4m' } } }] }), /privateBacking/);
  assert.throws(() => prepareSpec({ ...base, vms: [{ ...base.vms[0], confidential: { kind: 'tdx', params: { nope: 1 } } }] }), /nope/);
});

/** Deterministic LCG (no Math.random in tests that must reproduce). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const VALUES: unknown[] = [
  -1, 0, 1, 3, 7, 64, 4095, 4096, 2 ** 21, 2 ** 30, 2 ** 40, 2 ** 53, 2 ** 60, 1e308, 0.5,
  '', 'x', '4KiB', '2MiB', '1GiB', '1TiB', '0x1000', '1ms', '10Gbps', 'hugetlb-1g', 'thp-2m', 'rfc-8pct', 'x86-6pct', 'eager', 'lazy', 'pool', 'convert', 'tdx', 'sev-snp', 'pef',
  true, false, null, [], {}, { kind: 'tdx' },
];

/** Values a user might plausibly write for each CVM param (extremes included); mixed with VALUES. */
const PLAUSIBLE: Record<string, unknown[]> = {
  privateBacking: ['4k', 'thp-2m', 'hugetlb-2m', 'hugetlb-1g'],
  sharedBacking: ['4k', 'thp-2m', 'hugetlb-2m', 'hugetlb-1g'],
  discard: [true, false],
  acceptance: ['lazy', 'eager'],
  bootAcceptBytes: [0, 4096, '1GiB', '64GiB'],
  swiotlb: ['x86-6pct', 'rfc-8pct', '2KiB', '1MiB', '1GiB', '4GiB'],
  swiotlbAlign: [4096, '2MiB', '1GiB'],
  dynamicSwiotlb: [true, false],
  dmaAlloc: ['convert', 'pool'],
  coherentAllocsPerDevice: [0, 1, 64, 4096],
  coherentAllocBytes: [1, 4096, '256KiB', '2MiB', '1GiB'],
  runtimeCoherentAllocsPerSec: [0, 1000, 100000, 1000000],
  runtimeCoherentLifetime: [0, '1us', '1ms'],
  bootSharedPagesPerVcpu: [0, 1, 16],
  pscLargeEntries: [true, false],
};
const PARAM_KEYS = [...Object.keys(PLAUSIBLE), 'bogus'];
const SITE_PLAUSIBLE: Record<string, unknown[]> = {
  memory: ['64MiB', '1GiB', '4GiB', '16GiB'],
  vcpus: [1, 2, 64],
  confidential: ['tdx', 'sev-snp', 'none', { kind: 'tdx', params: {} }],
  kind: ['tdx', 'sev-snp', 'nic', 'nvme', 'virtio-net', 'virtio-blk', 'gpu'],
  transport: [{ kind: 'virtio', params: { accessPlatform: true } }, { kind: 'virtio', params: { accessPlatform: false } }, { kind: 'virtio', params: { noIommu: true } }, { kind: 'virtio', params: {} }, 'virtio'],
  attach: ['vfio', 'virtio', 'emulated'],
  queueDepth: [1, 64, 1024],
  requestSize: [1, 512, '256KiB', '1MiB'],
  threads: [1, 4, 64],
  duration: ['1us', '100us'],
  arch: ['x86_64', 'aarch64'],
  cpus: [1, 64],
};

type Json = Record<string, unknown>;

function mutate(spec: Json, rnd: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const vm = (spec.vms as Json[])[0]!;
  // An earlier mutation may have replaced the confidential object or its params.
  if (typeof vm.confidential !== 'object' || vm.confidential === null || Array.isArray(vm.confidential)) vm.confidential = { kind: 'tdx', params: {} };
  const conf = vm.confidential as Json;
  if (typeof conf.params !== 'object' || conf.params === null || Array.isArray(conf.params)) conf.params = {};
  const params = conf.params as Json;
  const dev = (spec.devices as Json[])[0]!;
  if (typeof dev.workload !== 'object' || dev.workload === null) dev.workload = { kind: 'block' };
  const wl = dev.workload as Json;
  const r = rnd();
  if (r < 0.55) {
    const k = pick(PARAM_KEYS);
    const v = rnd() < 0.7 && PLAUSIBLE[k] !== undefined ? pick(PLAUSIBLE[k]!) : pick(VALUES);
    if (rnd() < 0.1) delete params[k];
    else params[k] = v;
    return `params.${k}=${JSON.stringify(v)}`;
  }
  const sites: [Json, string][] = [
    [vm, 'memory'], [vm, 'vcpus'], [vm, 'confidential'], [conf, 'kind'], [dev, 'kind'], [dev, 'transport'], [dev, 'attach'],
    [wl, 'queueDepth'], [wl, 'requestSize'], [wl, 'threads'], [spec, 'duration'], [spec.host as Json, 'arch'], [spec.host as Json, 'cpus'],
  ];
  const [obj, key] = pick(sites);
  const v = rnd() < 0.7 ? pick(SITE_PLAUSIBLE[key]!) : pick(VALUES);
  obj[key] = v;
  return `${key}=${JSON.stringify(v)}`;
}

test('1,000 mutated CVM specs: each is rejected with one clear error or runs to completion, none crashes (Done-when 6)', () => {
  const seeds = ['cvm-seed004.json', 'cvm-boot-acceptance.json', 'cvm-swiotlb-exhaustion.json'].flatMap((f) => JSON.parse(readFileSync(join(resourcesDir(), 'examples', f), 'utf8')) as Json[]);
  const rnd = lcg(2024);
  let rejected = 0;
  let refused = 0;
  let ran = 0;
  for (let i = 0; i < 1000; i++) {
    const spec = structuredClone(seeds[i % seeds.length]!);
    // Keep the runs short and the guests moderate so 1,000 of them fit in a test; the mutations
    // still reach every field.
    spec.duration = '100us';
    const vm0 = (spec.vms as Json[])[0]!;
    if (typeof vm0.memory === 'number' && vm0.memory > 32 * 2 ** 30) vm0.memory = 32 * 2 ** 30;
    const what = [mutate(spec, rnd), ...(rnd() < 0.5 ? [mutate(spec, rnd)] : [])].join(', ');
    let prepared;
    try {
      prepared = prepareSpec(spec);
    } catch (e) {
      assert.ok(e instanceof Error && e.message.length > 0 && !/undefined|NaN|at Object\./.test(e.message.split('\n')[0]!), `mutant ${i} (${what}): unclear rejection: ${String(e)}`);
      rejected++;
      continue;
    }
    const s = prepared.spec;
    if (s.duration > 100_000) s.duration = 100_000;
    for (const v of s.vms) if (v.memory > 32 * 2 ** 30) v.memory = 32 * 2 ** 30;
    const issue = topologyIssue(s, prepared.profile);
    if (issue !== null) {
      assert.notEqual(issue.path, '', `mutant ${i} (${what}): the engine could not build it: ${issue.detail}`);
      refused++;
      continue;
    }
    try {
      const r = runSimulation(s, prepared.profile);
      assert.ok(Number.isFinite(r.simTimeNs));
      for (const [k, v] of Object.entries(r.scalars)) assert.ok(Number.isFinite(v), `mutant ${i} (${what}): ${k} = ${v}`);
    } catch (e) {
      assert.fail(`mutant ${i} (${what}) crashed the run: ${e instanceof Error ? e.stack : String(e)}`);
    }
    ran++;
  }
  assert.equal(rejected + refused + ran, 1000);
  assert.ok(ran > 300 && rejected > 100, `a mix: ${ran} ran, ${rejected} rejected, ${refused} refused`);
});
