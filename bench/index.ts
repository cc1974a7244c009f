/**
 * `npm run bench`: every benchmark in one process, printed as a table (or JSON with --json).
 * Ratios within one run are the comparable numbers; absolute rates depend on the machine.
 */
import { baselineBench } from './baseline';
import { kernelBench } from './kernel';
import { runsListBench } from './runs-list';
import { benchSmmuv3 } from './smmuv3';
import { spaprBench } from './spapr';
import { structuresBench } from './structures';
import { uiBench } from './ui-responsiveness';
import { traceBench } from './trace';
import { vtdBench } from './vtd';
import type { BenchRow } from './types';

const suites: [string, () => Promise<BenchRow[]>][] = [
  ['kernel', () => kernelBench()],
  ['engine', baselineBench],
  ['spapr', spaprBench],
  ['smmuv3', benchSmmuv3],
  ['vtd', vtdBench],
  ['structures', structuresBench],
  ['runs-list', () => runsListBench()],
  ['ui', () => uiBench()],
  ['trace', traceBench],
];

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const json = process.argv.includes('--json');
const rows: BenchRow[] = [];
for (const [name, run] of suites) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench ${name}...\n`);
  rows.push(...(await run()));
}
if (json) {
  process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
} else {
  const w = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const v = Math.abs(r.value) >= 1000 ? Math.round(r.value).toLocaleString('en-US') : Number(r.value.toPrecision(4)).toString();
    process.stdout.write(`${r.name.padEnd(w)}  ${v.padStart(14)} ${r.unit}${r.note ? `   (${r.note})` : ''}\n`);
  }
}
