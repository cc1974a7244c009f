import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec } from '../engine/catalog';
import type { RunResult } from '../common/result';
import { sweepTable } from './sweep-table';

const spec = (threads: number, replication: number) =>
  parseSpec({ vms: [{ id: 'v', memory: '1GiB' }], devices: [{ id: 'd', vm: 'v', workload: { kind: 'map-bench', threads } }], point: { threads }, replication });
const result = (ops: number): RunResult => ({ engineVersion: 't', seed: 1, simTimeNs: 1, events: 1, scalars: { 'ops.per_sec': ops, 'faults.dma': 0 }, histograms: {}, series: {}, notes: [] });

test('a sweep prints one row per run with its point and the metrics that vary or matter', () => {
  const text = sweepTable([
    { runId: 1, spec: spec(1, 0), result: result(1000), status: 'done' },
    { runId: 2, spec: spec(2, 0), status: 'failed' },
  ]);
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0]!, /^run\s+threads\s+rep\s+status\s+ops\.per_sec$/, 'all-zero metrics (faults.dma) are left out');
  assert.match(lines[2]!, /#1\s+1\s+0\s+done\s+1,000/);
  assert.match(lines[3]!, /#2\s+2\s+0\s+failed$/);
});

test('chosen columns: exact names and prefix.* patterns', () => {
  const r = result(5);
  r.scalars['hcalls.h_put_tce'] = 7;
  r.scalars['hcalls.h_stuff_tce'] = 2;
  const text = sweepTable([{ runId: 1, spec: spec(1, 0), result: r, status: 'done' }], ['hcalls.*', 'faults.dma']);
  assert.match(text.split('\n')[0]!, /status\s+hcalls\.h_put_tce\s+hcalls\.h_stuff_tce\s+faults\.dma$/);
});
