/**
 * The whole engine on the baseline example (dma-direct, a 2-thread map-bench and a 25 Gbit/s
 * NIC, 20 ms simulated), as the example is: the wall time of one run cold — the first run in a
 * fresh process, JIT warm-up included, as the CLI runs it — and warm (after one untimed run),
 * min and median of 3 each; kernel events per map-bench operation; simulated events and
 * simulated time per wall second. Wall time is measured here only.
 *
 * `node --import tsx bench/baseline.ts --cold-child` is the fresh process: it prepares the run
 * (untimed), times one runSimulation and prints the figures as JSON.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { prepareRun } from '../main/api/runner';
import { runSimulation } from '../main/engine/run';
import { timed, type BenchRow } from './types';

const EXAMPLE = new URL('../resources/examples/baseline.json', import.meta.url);

function prepared() {
  return prepareRun(JSON.parse(readFileSync(EXAMPLE, 'utf8')));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

interface One {
  ms: number;
  events: number;
  ops: number;
  simNs: number;
}

function once(p: ReturnType<typeof prepared>): One {
  const t = timed(() => runSimulation(p.spec, p.profile));
  return { ms: t.seconds * 1000, events: t.value.events, ops: t.value.scalars['bench.ops'] ?? 0, simNs: t.value.simTimeNs };
}

function coldInChild(): One {
  const script = new URL(import.meta.url).pathname;
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--cold-child'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cold baseline run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as One;
}

export async function baselineBench(): Promise<BenchRow[]> {
  const cold = Array.from({ length: 3 }, coldInChild);
  const p = prepared();
  runSimulation(p.spec, p.profile); // warm-up: the same run
  const warm = Array.from({ length: 3 }, () => once(p));
  const best = warm.reduce((a, b) => (b.ms < a.ms ? b : a));
  const coldMs = cold.map((c) => c.ms);
  const warmMs = warm.map((c) => c.ms);
  return [
    { name: 'engine.baseline.cold_ms', value: Math.min(...coldMs), unit: 'ms', note: `min of 3 fresh processes; median ${median(coldMs).toFixed(0)} ms` },
    { name: 'engine.baseline.warm_ms', value: Math.min(...warmMs), unit: 'ms', note: `min of 3 after a warm-up run; median ${median(warmMs).toFixed(0)} ms` },
    { name: 'engine.baseline.events_per_op', value: best.events / best.ops, unit: 'events/op', note: `${best.events} kernel events, ${best.ops} map-bench ops` },
    { name: 'engine.baseline.events_per_s', value: best.events / (best.ms / 1000), unit: 'events/s', note: 'warm, best run' },
    { name: 'engine.baseline.sim_ms_per_wall_s', value: best.simNs / 1e6 / (best.ms / 1000), unit: 'ms/s', note: 'warm, best run' },
  ];
}

if (process.argv.includes('--cold-child')) {
  const p = prepared();
  process.stdout.write(JSON.stringify(once(p)) + '\n');
}
