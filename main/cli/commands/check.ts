/**
 * `viommu-lab check <script.ts|spec.json> [--set key=value]... [--no-types]`: type-checks a script
 * against the DSL's declarations, evaluates it in the sandbox, validates every spec and profile
 * and checks that the models can build every topology, without running or storing anything.
 */
import { parseArgs } from 'node:util';
import { isScriptFile } from '../../api/pipeline/pipeline';
import { CliError } from '../errors';
import type { CliIO } from '../io';
import { prepareFile } from '../source-file';
import { parseSets, parseTimeout } from './run';
import { budgetOptions, parseBudgets } from '../budget-flags';
import { formatBudgetFigure, formatCount, type WorkEstimate } from '../../common/budget';

import { checkUsage } from '../usage';

export { checkUsage };

export async function checkCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { set: { type: 'string', multiple: true }, timeout: { type: 'string' }, 'no-types': { type: 'boolean', default: false }, ...budgetOptions },
  });
  if (positionals.length !== 1) throw new CliError(`usage: ${checkUsage}`, 2);
  const file = positionals[0]!;
  const script = isScriptFile(file);
  const sets = parseSets(values.set);
  const budgets = parseBudgets(values);
  const { experiment, runs, estimates } = await prepareFile(file, { sets, timeoutMs: parseTimeout(values.timeout), typeCheck: script && !values['no-types'], budgets }, io);
  if (script) {
    const points = new Set(runs.map((r) => JSON.stringify(r.spec.point))).size;
    const reps = runs.length / points;
    io.out(`${file}: ok — experiment "${experiment}": ${runs.length} run${runs.length === 1 ? '' : 's'} (${points} point${points === 1 ? '' : 's'} × ${reps} replication${reps === 1 ? '' : 's'})\n`);
  } else {
    io.out(`${file}: ok — ${runs.length} spec${runs.length === 1 ? '' : 's'}\n`);
  }
  if (estimates.length > 0) io.out(describeEstimates(estimates));
  return 0;
}

/** The work estimate, one line: the largest run and the whole file. */
export function describeEstimates(es: readonly WorkEstimate[]): string {
  const most = es.reduce((a, b) => (b.events > a.events ? b : a));
  const mem = Math.max(...es.map((e) => e.bytes));
  const approx = es.some((e) => e.eventsBasis === 'at-least') ? 'at least ' : es.every((e) => e.eventsBasis === 'exact') ? '' : 'about ';
  const total = es.reduce((s, e) => s + e.events, 0);
  const wall = es.reduce((s, e) => s + e.wallMs, 0);
  const each = es.length > 1 ? `largest run ${formatCount(most.events)} events (${most.basis}); all ${es.length} runs ${formatCount(total)} events` : `${formatCount(total)} events (${most.basis})`;
  return `estimated work: ${approx}${each}, up to ${formatBudgetFigure('memory', mem)} per run, ≈ ${formatBudgetFigure('wall', wall)} here\n`;
}
