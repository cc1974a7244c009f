/**
 * Runs-list benchmark: with 10,000 runs in a store, the wall time to open the store and the
 * runs list (first page through the API service, payload validation included), and to filter it
 * by experiment, status + tag, a sweep parameter and text, and to sort it. Medians of 5.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from '../main/common/api/contract';
import { createLabService } from '../main/api/service';
import type { RunExecutor } from '../main/api/engine/pool';
import { LabStore } from '../main/store/store';

import type { BenchRow } from './types';

const idle: RunExecutor = {
  size: 1,
  run: () => {
    throw new Error('the benchmark runs nothing');
  },
  checkTopology: () => Promise.reject(new Error('the benchmark checks nothing')),
  close: async () => {},
};

/** 10,000 finished runs over 20 experiments, each a sweep of 50 points × 10 replications, some tagged. */
function populate(path: string, n: number): void {
  const store = LabStore.open(path);
  const insert = store.db.prepare(
    `INSERT INTO runs (experiment_id, config_hash, name, spec_json, profile_json, seed, engine_version, point_json, replication, status, created_at, finished_at, wall_ms, sim_time_ns, events, tags_json)
     VALUES (?, ?, ?, '{}', '{}', ?, '0.1.0', ?, ?, 'done', ?, ?, ?, ?, ?, ?)`,
  );
  const scalar = store.db.prepare(`INSERT INTO scalars (run_id, name, value) VALUES (?, ?, ?)`);
  store.db.transaction(() => {
    const exps = Array.from({ length: 20 }, (_, e) => store.ensureExperiment(`experiment ${e}`, `sweep ${e}`));
    for (let i = 0; i < n; i++) {
      const e = i % 20;
      const k = Math.floor(i / 20);
      const point = { queue_depth: 2 ** (k % 10), mode: k % 2 ? 'strict' : 'lazy', size_kib: 4 * ((k % 5) + 1) };
      const t = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
      const info = insert.run(exps[e]!, `h${i}`, `run ${i}`, i, JSON.stringify(point), k % 10, t, t, 100 + (i % 997), 1e7, 1e5 + i, JSON.stringify(i % 7 === 0 ? ['baseline'] : []));
      scalar.run(info.lastInsertRowid, 'dma.throughput_gbps', (i % 100) / 3);
    }
  })();
  store.close();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function runsListBench(n = 10_000): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'viommu-bench-runs-'));
  const path = join(dir, 'lab.sqlite');
  try {
    populate(path, n);
    const t0 = performance.now();
    const store = LabStore.open(path);
    const service = createLabService({ store, executor: idle });
    const first = await dispatch(service, 'listRuns', {});
    const openMs = performance.now() - t0;
    if (first.total !== n) throw new Error(`expected ${n} runs, found ${first.total}`);
    const time = async (payload: object, expect: (total: number) => boolean): Promise<number> => {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const s = performance.now();
        const page = await dispatch(service, 'listRuns', payload);
        samples.push(performance.now() - s);
        if (!expect(page.total)) throw new Error(`unexpected result for ${JSON.stringify(payload)}: ${page.total}`);
      }
      return median(samples);
    };
    const rows: BenchRow[] = [
      { name: `runs-list: open store and first page (${n} runs)`, value: openMs, unit: 'ms' },
      { name: 'runs-list: filter by experiment', value: await time({ query: { experiment: 'experiment 3' } }, (t) => t === n / 20), unit: 'ms' },
      { name: 'runs-list: filter by status and tag', value: await time({ query: { status: 'done', tag: 'baseline' } }, (t) => t > 0 && t < n), unit: 'ms' },
      { name: 'runs-list: filter by parameter', value: await time({ query: { params: { mode: 'strict', queue_depth: 8 } } }, (t) => t > 0 && t < n), unit: 'ms' },
      { name: 'runs-list: text search', value: await time({ query: { search: 'run 99' } }, (t) => t > 0 && t < n), unit: 'ms' },
      { name: 'runs-list: sort by wall time', value: await time({ sort: { key: 'wallMs', dir: 'desc' } }, (t) => t === n), unit: 'ms' },
      { name: 'runs-list: compare one experiment (500 runs, 50 configurations)', value: await (async () => {
        const s = performance.now();
        const r = await dispatch(service, 'compare', { query: { experiment: 'experiment 0' }, metrics: ['dma.throughput_gbps'] });
        if (r.groups.length === 0) throw new Error('no groups');
        return performance.now() - s;
      })(), unit: 'ms' },
    ];
    await service.close();
    store.close();
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default runsListBench;

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  for (const r of await runsListBench()) console.log(`${r.name.padEnd(66)} ${r.value.toFixed(1).padStart(9)} ${r.unit}`);
}
