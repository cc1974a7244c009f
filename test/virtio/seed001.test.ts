// Seed 001's matrix (resources/examples/virtio-seed001.json) run as one experiment: the shape of
// its table — per-I/O hypercalls, bounce bytes, throughput, I/O errors — as inequalities.
// Per-I/O hypercalls exclude boot: each run's hypercalls minus those of the same topology booted
// only, over the I/Os it attempted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareRun } from '../../main/api/runner';
import { resourcesDir } from '../../main/api/resources';
import { runSimulation } from '../../main/engine/run';

type Point = { guest: string; flag: string; window: string; device: string };
interface Row {
  p: Point;
  hcallsPerIo: number;
  bouncePerIo: number;
  gbps: number;
  errors: number;
  ios: number;
  notes: string[];
}

const hcalls = (s: Record<string, number>) => Object.entries(s).filter(([k]) => /^hcalls\.h_/.test(k)).reduce((n, [, v]) => n + v, 0);

function matrix(): Row[] {
  const specs = JSON.parse(readFileSync(join(resourcesDir(), 'examples', 'virtio-seed001.json'), 'utf8')) as { point: Point; devices: { workload: unknown }[] }[];
  return specs.map((spec) => {
    const p = prepareRun(spec);
    const r = runSimulation(p.spec, p.profile);
    const b = prepareRun({ ...spec, devices: [{ ...spec.devices[0], workload: { kind: 'boot' } }] });
    const boot = runSimulation(b.spec, b.profile);
    const s = r.scalars;
    const ios = (s['io.completed'] ?? 0) + (s['nic.packets'] ?? 0);
    // Failed I/O: block requests that ended in an error, or packets the NIC dropped.
    const errors = spec.point.device === 'virtio-net' ? (s['nic.drops'] ?? 0) : (s['io.errors'] ?? 0);
    const attempted = ios + errors;
    return {
      p: spec.point,
      hcallsPerIo: (hcalls(s) - hcalls(boot.scalars)) / attempted,
      bouncePerIo: (s['swiotlb.bounce_bytes'] ?? 0) / attempted,
      gbps: s['dma.throughput_gbps'] ?? 0,
      errors,
      ios,
      notes: r.notes,
    };
  });
}

test('seed 001 matrix: TCE hypercalls only with ACCESS_PLATFORM and no direct window; secure guests bounce under both flags and fail with neither', () => {
  const rows = matrix();
  assert.equal(rows.length, 24);
  const at = (q: Partial<Point>) => rows.filter((r) => Object.entries(q).every(([k, v]) => r.p[k as keyof Point] === v));
  for (const r of at({ guest: 'normal', flag: 'access-platform', window: 'default-window' })) assert.ok(r.hcallsPerIo >= 2, `${JSON.stringify(r.p)}: ${r.hcallsPerIo} hcalls per I/O`);
  for (const r of at({ guest: 'normal', flag: 'access-platform', window: 'direct-ddw' })) assert.equal(r.hcallsPerIo, 0, JSON.stringify(r.p));
  for (const r of at({ flag: 'no-iommu' })) assert.equal(r.hcallsPerIo, 0, `NO_IOMMU never translates: ${JSON.stringify(r.p)}`);
  for (const r of at({ flag: 'none' })) assert.equal(r.hcallsPerIo, 0, JSON.stringify(r.p));
  for (const r of at({ guest: 'normal' })) {
    assert.equal(r.bouncePerIo, 0, `a normal guest never bounces: ${JSON.stringify(r.p)}`);
    assert.equal(r.errors, 0);
  }
  for (const r of at({ guest: 'secure', flag: 'access-platform' }).concat(at({ guest: 'secure', flag: 'no-iommu' }))) {
    assert.ok(r.bouncePerIo > 1000, `a secure guest bounces: ${JSON.stringify(r.p)} ${r.bouncePerIo}`);
    assert.equal(r.errors, 0);
    assert.ok(r.ios > 0);
  }
  for (const r of at({ guest: 'secure', flag: 'none' })) {
    assert.equal(r.ios, 0, `nothing gets through: ${JSON.stringify(r.p)}`);
    assert.ok(r.errors > 0);
    assert.equal(r.gbps, 0);
    assert.ok(r.notes.some((n) => /I\/O fails: .*guest-physical addresses of secure memory the host cannot read/.test(n)), r.notes.join('; '));
  }
  // The per-I/O hypercalls cost throughput: ACCESS_PLATFORM over the default window is the slowest block run of each guest.
  for (const guest of ['normal', 'secure']) {
    const blk = at({ guest, device: 'virtio-blk' }).filter((r) => r.errors === 0);
    const slowest = blk.reduce((a, b) => (a.gbps < b.gbps ? a : b));
    assert.deepEqual([slowest.p.flag, slowest.p.window], ['access-platform', 'default-window']);
  }
});
