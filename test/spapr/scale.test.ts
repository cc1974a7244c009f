import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareRun } from '../../main/api/runner';
import { Costs } from '../../main/engine/costs/costs';
import { Environment } from '../../main/engine/kernel';
import { Machine } from '../../main/engine/machine/machine';
import { Metrics } from '../../main/engine/metrics/collector';
import { fromBigInt } from '../../main/engine/mem/addr';
import type { SpaprDevicePath } from '../../main/engine/models/spapr/device-path';
import { TceTable, tceValue, TCE_READ } from '../../main/engine/models/spapr/tce-table';
import { SPAPR_METRICS } from '../../main/engine/models/spapr/metrics';

const TiB = 2 ** 40;

function drive<T>(env: Environment, gen: Generator<unknown, T, unknown>): T {
  const proc = env.process(gen as never);
  env.process(
    (function* () {
      yield proc;
      env.stop();
    })(),
  );
  env.run();
  return proc.value as T;
}

test('a 1 TiB guest with a 64 KiB-page DDW maps all RAM: 2^24 TCEs in a direct window at 2^59', () => {
  const p = prepareRun({
    profile: { base: 'power9-kvm' },
    host: { arch: 'ppc64le', cpus: 8 },
    vms: [{ id: 'g', memory: '1TiB', vcpus: 4, viommus: [{ id: 'phb0', kind: 'spapr-tce', params: { ddwPageSizes: ['64KiB'], hcallPath: 'kvm-real' } }] }],
    devices: [{ id: 'd', vm: 'g', viommu: 'phb0', workload: { kind: 'boot' } }],
  });
  const env = new Environment(1);
  const metrics = new Metrics(1000);
  const notes: string[] = [];
  const m = new Machine(env, p.spec, new Costs(p.profile), metrics, (t) => notes.push(t));
  const dev = m.devices[0]!;
  drive(env, dev.vm.vcpu(0).run(dev.path.probe(dev.vm.vcpu(0))));
  assert.deepEqual(notes, []);
  assert.equal(metrics.counter(SPAPR_METRICS.hcallsTcesOf.of('h_put_tce_indirect')).value, TiB / 65536);
  const w = (dev.path as SpaprDevicePath).window!;
  assert.equal(w.busOffset, 2 ** 59);
  assert.equal(w.table.validCount, 2 ** 24);
  assert.equal(w.table.visibleBytes, TiB, 'every guest page reachable');
  assert.ok(w.table.storageBytes / w.table.validCount <= 10, `${w.table.storageBytes / w.table.validCount} B per TCE`);
  const last = fromBigInt(2n ** 59n + BigInt(TiB) - 64n);
  assert.equal(drive(env, dev.path.translate(last.pfn, last.off, 64, true)), true, 'the last 64 bytes of RAM');
  assert.equal(drive(env, dev.path.translate(last.pfn, last.off, 65, true)), false, 'one byte past RAM is outside the window');
});

test('a TCE table stores nothing for untouched chunks: a 2^31-entry window costs no memory until mapped', () => {
  const t = new TceTable(24, 2 ** 31);
  t.fill(0, 2 ** 20, 0);
  assert.equal(t.storageBytes, 0);
  t.set(2 ** 31 - 1, tceValue(0, TCE_READ));
  assert.ok(t.storageBytes > 0 && t.storageBytes <= 64 * 1024);
  assert.equal(t.get(2 ** 31 - 1), tceValue(0, TCE_READ));
});
