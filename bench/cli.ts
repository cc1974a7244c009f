/**
 * The command line's speed: process wall time of `viommu-lab --help` and of a one-run example
 * (the bundled CLI, bin/viommu-lab.cjs, median of 5 after one untimed start that builds the
 * bundle if needed; the same through tsx's loader for comparison), and a 20-run sweep of ~50 ms
 * runs serially on this thread against the engine worker pool (main/api/engine/pool.ts) with
 * 2 warm workers (as the workbench keeps them from sweep to sweep) — results compared byte for
 * byte. Wall time is measured here only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerPool } from '../main/api/engine/pool';
import { prepareRun, type PreparedRun } from '../main/api/runner';
import { resourcesDir } from '../main/api/resources';
import { canonicalJson, type RunResult } from '../main/common/result';
import { runSimulation } from '../main/engine/run';
import { timed, type BenchRow } from './types';

const ROOT = new URL('../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'viommu-lab.cjs');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Process wall of `node bin/viommu-lab.cjs args`, in ms: min and median of `n`. */
function processWall(args: string[], env: NodeJS.ProcessEnv, n = 5): { min: number; median: number } {
  const run = (): number => {
    const t = timed(() => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' }));
    if (t.value.status !== 0) throw new Error(`viommu-lab ${args.join(' ')} failed: ${t.value.stderr}`);
    return t.seconds * 1000;
  };
  run(); // builds the bundle when a source changed; warms the file cache
  const ms = Array.from({ length: n }, run);
  return { min: Math.min(...ms), median: median(ms) };
}

/** 20 runs of the trapped SMMUv3 map-bench, seeds 1..20, with a duration that takes about 50 ms here. */
function sweepOf50ms(): PreparedRun[] {
  const specs = JSON.parse(readFileSync(join(resourcesDir(), 'examples', 'smmuv3-vcmdq-sweep.json'), 'utf8')) as Record<string, unknown>[];
  const base = specs[0]!;
  const probe = prepareRun(base, { sets: [['duration', '2ms']] });
  runSimulation(probe.spec, probe.profile);
  const s = timed(() => runSimulation(probe.spec, probe.profile)).seconds;
  const us = Math.max(100, Math.round((2000 * 0.05) / s));
  return Array.from({ length: 20 }, (_, i) => prepareRun(base, { sets: [['duration', `${us}us`]], seed: i + 1 }));
}

async function onPool(pool: WorkerPool, runs: readonly PreparedRun[]): Promise<RunResult[]> {
  const out: RunResult[] = new Array(runs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < runs.length) {
      const i = next++;
      const o = await pool.run(runs[i]!.spec, runs[i]!.profile, () => {}).outcome;
      if (o.status !== 'done') throw new Error(`pool run ${i}: ${o.message}`);
      out[i] = o.result;
    }
  };
  await Promise.all(Array.from({ length: pool.size }, lane));
  return out;
}

export async function cliBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'viommu-bench-cli-'));
  try {
    const env = { ...process.env, VIOMMU_LAB_CLI: '', VIOMMU_LAB_DB: join(dir, 'lab.sqlite') };
    const example = ['run', join(ROOT, 'resources', 'examples', 'baseline.json')];
    const help = processWall(['--help'], env);
    const one = processWall(example, env);
    const helpTsx = processWall(['--help'], { ...env, VIOMMU_LAB_CLI: 'source' }, 3);
    const bare = (() => {
      const ms = Array.from({ length: 5 }, () => timed(() => spawnSync(process.execPath, ['-e', '0'])).seconds * 1000);
      return { min: Math.min(...ms), median: median(ms) };
    })();
    rows.push({ name: 'cli.help.wall_ms', value: help.median, unit: 'ms', note: `median of 5 (min ${help.min.toFixed(0)}); goal ≤ 150` });
    rows.push({ name: 'cli.one_run_example.wall_ms', value: one.median, unit: 'ms', note: `run baseline.json, median of 5 (min ${one.min.toFixed(0)}); goal ≤ 400` });
    rows.push({ name: 'cli.help.tsx_wall_ms', value: helpTsx.median, unit: 'ms', note: 'the sources through tsx, median of 3' });
    rows.push({ name: 'cli.node_start.wall_ms', value: bare.median, unit: 'ms', note: 'node -e 0, median of 5: the floor' });

    const runs = sweepOf50ms();
    // Warm-up: six runs on this thread, and six on each pool worker (their JIT is their own;
    // two runs each left the workers still tiering up through the sweep).
    for (const r of runs.slice(0, 6)) runSimulation(r.spec, r.profile);
    const serial = timed(() => runs.map((r) => runSimulation(r.spec, r.profile)));
    const pool = new WorkerPool({ size: 2 });
    try {
      await onPool(pool, runs.slice(0, 12)); // starts both workers and warms their JIT
      const t0 = process.hrtime.bigint();
      const pooled = await onPool(pool, runs);
      const poolS = Number(process.hrtime.bigint() - t0) / 1e9;
      const same = pooled.every((r, i) => canonicalJson(r) === canonicalJson(serial.value[i]!));
      if (!same) throw new Error('the pool gave other results than the serial runs');
      rows.push({ name: 'cli.sweep20.serial_run_ms', value: (serial.seconds * 1000) / runs.length, unit: 'ms', note: 'mean wall per run, serial' });
      rows.push({ name: 'cli.sweep20.serial_wall_ms', value: serial.seconds * 1000, unit: 'ms' });
      rows.push({ name: 'cli.sweep20.pool2_wall_ms', value: poolS * 1000, unit: 'ms', note: '2 warm workers; results byte-identical' });
      rows.push({ name: 'cli.sweep20.pool_speedup', value: serial.seconds / poolS, unit: 'ratio', note: 'goal ≥ 1.8 on 2 idle cores' });
    } finally {
      await pool.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
