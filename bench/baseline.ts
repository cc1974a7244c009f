/** The whole engine on the baseline example: simulated events per wall second, and simulated time per wall second. */
import { readFileSync } from 'node:fs';
import { prepareRun } from '../main/api/runner';
import { runSimulation } from '../main/engine/run';
import { wallSeconds, type BenchRow } from './types';

export async function baselineBench(): Promise<BenchRow[]> {
  const input = JSON.parse(readFileSync(new URL('../resources/examples/baseline.json', import.meta.url), 'utf8'));
  const p = prepareRun(input, { sets: [['duration', '50ms']] });
  runSimulation(p.spec, p.profile);
  let events = 0;
  let simNs = 0;
  const s = wallSeconds(() => {
    const r = runSimulation(p.spec, p.profile);
    events = r.events;
    simNs = r.simTimeNs;
  });
  return [
    { name: 'engine.baseline.events_per_s', value: events / s, unit: 'events/s' },
    { name: 'engine.baseline.sim_ms_per_wall_s', value: simNs / 1e6 / s, unit: 'ms/s' },
  ];
}
