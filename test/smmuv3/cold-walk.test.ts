// Issue 14, done-when 4: with the cold-walk switch a nested 4 KiB translation (4-level stage 1
// over 4-level stage 2) reads 24 table entries in a run, and 36 with the configuration fetch of a
// 2-level stream table and 2-level CDs — counted by the walks over the modelled tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../../main/api/runner';
import { runSimulation } from '../../main/engine/run';
import type { RunResult } from '../../main/common/result';

function nested(coldWalks: string, streamTable: string, cdTable: string): RunResult {
  const spec = {
    duration: '200us',
    host: { arch: 'aarch64', cpus: 8, iommus: [{ id: 'smmu0', kind: 'smmuv3', params: { coldWalks, streamTable, s2Levels: 4 } }] },
    vms: [{ id: 'vm0', memory: '4GiB', vcpus: 2, viommus: [{ id: 'v0', kind: 'smmuv3', params: { backing: ['smmu0'], s1Levels: 4, s2PageSize: '4KiB', cdTable } }] }],
    devices: [{ id: 'd0', vm: 'vm0', viommu: 'v0', hostIommu: 'smmu0', workload: { kind: 'map-bench', granule: '4KiB', dmaBytes: '4KiB', maxOps: 20 } }],
  };
  const p = prepareRun(spec);
  return runSimulation(p.spec, p.profile);
}

const perTranslation = (r: RunResult) => r.histograms['walk.reads_per_translation']!;

test('tlb-cold: every translation walks 24 descriptors; the configuration is fetched once', () => {
  const r = nested('tlb', '2-level', '2-level');
  const n = perTranslation(r).count;
  assert.ok(n >= 10, `${n} translations`);
  const config = r.scalars['walk.config_reads']!;
  assert.equal(config, 2 + 10, 'one STE fetch (2-level: 2 reads) and one CD fetch (2-level: 2 IPAs × (4 + 1))');
  assert.equal(r.scalars['walk.mem_reads']! - config, 24 * n, '(4+1)(4+1) − 1 table reads per translation');
  assert.equal(r.scalars['walk.reads_per_translation.p50'], 24);
});

test('all-cold: 36 reads per translation with a 2-level stream table and 2-level CDs, 30 with linear ones', () => {
  const two = nested('all', '2-level', '2-level');
  assert.equal(two.scalars['walk.mem_reads'], 36 * perTranslation(two).count);
  assert.equal(two.scalars['walk.reads_per_translation.max'], 36);
  assert.equal(two.scalars['walk.reads_per_translation.p50'], 36);
  const lin = nested('all', 'linear', 'linear');
  assert.equal(lin.scalars['walk.mem_reads'], 30 * perTranslation(lin).count, '1 STE read + 5 CD reads + 24');
});

test('warm (the default): the caches cut the reads far below the cold count', () => {
  const warm = nested('off', '2-level', '2-level');
  assert.ok(warm.scalars['walk.mem_reads']! < 0.5 * 24 * perTranslation(warm).count);
});
