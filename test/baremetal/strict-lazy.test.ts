// Issue 14, done-when 1: a topology with host devices and no VM runs through the CLI and through
// the workbench's service (the one run pipeline, main/api/pipeline), and on a bare-metal NIC lazy
// mode gives more throughput and far fewer CMD_SYNCs than strict (a shape, not a number).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from '../../main/common/api/contract';
import { createLabService } from '../../main/api/service';
import { InProcessExecutor } from '../../main/api/engine/in-process';
import { resourcesDir } from '../../main/api/resources';
import { LabStore } from '../../main/store/store';
import { main } from '../../main/cli/main';
import type { CliIO } from '../../main/cli/io';

const EXAMPLE = join(resourcesDir(), 'examples', 'baremetal-nic-strict-lazy.json');
type Scalars = Record<string, number>;

function assertShape(strict: Scalars, lazy: Scalars, via: string, syncOf = 'inval.hw.sync.smmu0'): void {
  assert.ok(strict['nic.packets']! > 0 && lazy['nic.packets']! > 0, `${via}: packets flowed`);
  assert.ok(lazy['dma.throughput_gbps']! > 1.2 * strict['dma.throughput_gbps']!, `${via}: lazy ${lazy['dma.throughput_gbps']} Gbit/s vs strict ${strict['dma.throughput_gbps']}`);
  const syncs = (s: Scalars): number => s[syncOf] ?? 0;
  // Strict: one CMD_SYNC per unmap; lazy: one per flush-queue flush (256 unmaps or the timer).
  assert.ok(syncs(strict) >= strict['unmap.ops']!, `${via}: strict syncs ${syncs(strict)} >= unmaps ${strict['unmap.ops']}`);
  assert.ok(syncs(lazy) * 20 < syncs(strict), `${via}: lazy syncs ${syncs(lazy)} vs strict ${syncs(strict)}`);
  assert.ok(lazy['iommu.fq_flushes']! > 0 && strict['iommu.fq_flushes'] === 0, `${via}: only lazy flushes its queue`);
  assert.ok(lazy['nic.drops']! < strict['nic.drops']!, `${via}: strict drops more packets`);
}

test('the bare-metal NIC example runs through the CLI: lazy beats strict, with fewer CMD_SYNCs', async () => {
  let out = '';
  const io: CliIO = { out: (t) => void (out += t), err: () => {}, isTTY: false };
  const db = join(mkdtempSync(join(tmpdir(), 'viommu-bm-')), 'lab.sqlite');
  assert.equal(await main(['run', EXAMPLE, '--json', '--db', db], io), 0);
  const runs = (JSON.parse(out) as { runs: { point: { dmaMode: string }; status: string; result: { scalars: Scalars } }[] }).runs;
  assert.deepEqual(runs.map((r) => [r.point.dmaMode, r.status]), [['strict', 'done'], ['lazy', 'done']]);
  assertShape(runs[0]!.result.scalars, runs[1]!.result.scalars, 'cli');
});

test('the same example runs through the workbench service (start → job → stored runs) with the same shape', async () => {
  const store = LabStore.open(':memory:');
  const service = createLabService({ store, executor: new InProcessExecutor() });
  const started = await dispatch(service, 'start', { file: 'baremetal-nic-strict-lazy.json', source: readFileSync(EXAMPLE, 'utf8') });
  assert.ok(started.ok, JSON.stringify(started.diagnostics));
  for (;;) {
    // Yield to the event loop: the in-process executor runs each task from setImmediate.
    await new Promise((r) => setTimeout(r, 20));
    const w = await dispatch(service, 'watch', { after: 0, waitMs: 0 });
    const job = w.jobs.find((j) => j.id === started.jobId);
    if (job !== undefined && job.state !== 'running') {
      assert.equal(job.state, 'done');
      break;
    }
  }
  const page = await dispatch(service, 'listRuns', {});
  const by = new Map<string, Scalars>();
  for (const r of page.rows) by.set(String(r.point.dmaMode), (await dispatch(service, 'getRun', { id: r.id })).scalars);
  assertShape(by.get('strict')!, by.get('lazy')!, 'workbench');
  store.close();
});

test('on a VT-d host the same shape: strict waits for a wait descriptor per unmap, lazy for one per flush', async () => {
  let out = '';
  const io: CliIO = { out: (t) => void (out += t), err: () => {}, isTTY: false };
  const db = join(mkdtempSync(join(tmpdir(), 'viommu-bm-')), 'lab.sqlite');
  assert.equal(await main(['run', join(resourcesDir(), 'examples', 'baremetal-nic-vtd.json'), '--json', '--db', db], io), 0);
  const runs = (JSON.parse(out) as { runs: { result: { scalars: Scalars } }[] }).runs;
  const [strict, lazy] = [runs[0]!.result.scalars, runs[1]!.result.scalars];
  assertShape(strict, lazy, 'vt-d', 'inval.hw.vtd_wait.dmar0');
  assert.ok(Math.abs(strict['inval.hw.vtd_psi.dmar0']! - strict['unmap.ops']!) <= 1, 'one PSI per strict unmap (a 2 KiB buffer: mask 0; the last may be in flight at the end)');
  assert.equal(lazy['inval.hw.vtd_psi.dmar0'], 0);
  assert.ok(lazy['inval.hw.vtd_dsi.dmar0']! > 0, 'the flush queue flushes by domain');
});
