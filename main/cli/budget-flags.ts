/**
 * `--max-events N`, `--max-wall DURATION`, `--max-memory SIZE`: the run budgets (main/common/budget)
 * as `run` and `check` take them. A number or a quantity with its unit (`90s`, `120min`, `8GiB`); out of
 * range or malformed is one sentence and exit 2.
 */
import { BUDGET_CEILINGS, type Budgets } from '../common/budget';
import { parseQuantity } from '../common/units';
import { CliError } from './errors';

export const budgetUsage = '[--max-events N] [--max-wall DURATION] [--max-memory SIZE]';

export const budgetOptions = {
  'max-events': { type: 'string' },
  'max-wall': { type: 'string' },
  'max-memory': { type: 'string' },
} as const;

function parse(flag: string, v: string, read: (v: string) => number, ceiling: number, unit: string): number {
  let n: number;
  try {
    n = read(v);
  } catch (e) {
    throw new CliError(`--${flag} ${v}: ${(e as Error).message}`, 2);
  }
  if (!Number.isFinite(n) || n < 1 || n > ceiling) throw new CliError(`--${flag} ${v}: expected ${unit} from 1 to ${ceiling}`, 2);
  return n;
}

export function parseBudgets(values: { 'max-events'?: string; 'max-wall'?: string; 'max-memory'?: string }): Partial<Budgets> {
  const out: Partial<Budgets> = {};
  if (values['max-events'] !== undefined) out.maxEvents = Math.floor(parse('max-events', values['max-events'], Number, BUDGET_CEILINGS.maxEvents, 'a number of events'));
  if (values['max-wall'] !== undefined) out.maxWallMs = parse('max-wall', values['max-wall'], (v) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : parseQuantity(v, 'duration') / 1e6), BUDGET_CEILINGS.maxWallMs, 'a duration in ms (or with a unit: 90s, 120min)');
  if (values['max-memory'] !== undefined) out.maxMemoryBytes = parse('max-memory', values['max-memory'], (v) => (/^\d+$/.test(v) ? Number(v) : parseQuantity(v, 'bytes')), BUDGET_CEILINGS.maxMemoryBytes, 'a size in bytes (or with a unit: 8GiB)');
  return out;
}
