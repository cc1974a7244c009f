/**
 * Run budgets (issue 10): how much work one run may do before it is stopped with the status
 * `budget-exceeded` — its events (a deterministic measure of its work, counted by the engine),
 * its wall time and its memory (both measured by the host that runs it: the engine reads no
 * clock). The same limits refuse, before a run starts, a spec whose work estimate exceeds them
 * (main/api/pipeline/estimate.ts). Each budget has the command-line flag that raises it.
 */

export type BudgetKind = 'events' | 'wall' | 'memory';

export interface Budgets {
  /** Events one run may process (the engine counts them; deterministic). */
  maxEvents: number;
  /** Wall-clock milliseconds one run may take (measured by the host). */
  maxWallMs: number;
  /** Bytes of memory (JS heap + array buffers) the thread running a run may hold (measured by the host). */
  maxMemoryBytes: number;
}

/**
 * Defaults: about ten minutes of engine time (the kernel processes a few million events per
 * second on the build machines: `npm run bench`), an hour of wall time (a loaded machine), and
 * 3 GiB (under V8's default 4 GiB heap limit, so the budget stops a run before V8 would).
 */
export const DEFAULT_BUDGETS: Budgets = { maxEvents: 2e9, maxWallMs: 3_600_000, maxMemoryBytes: 3 * 2 ** 30 };

/** Hard ceilings a flag may raise a budget to. */
export const BUDGET_CEILINGS: Budgets = { maxEvents: 1e15, maxWallMs: 7 * 24 * 3_600_000, maxMemoryBytes: 2 ** 50 };

/** The flag that raises each budget (CLI); the workbench says the same. */
export const BUDGET_FLAGS: Record<BudgetKind, string> = { events: '--max-events', wall: '--max-wall', memory: '--max-memory' };

export function resolveBudgets(b: Partial<Budgets> | undefined): Budgets {
  return { ...DEFAULT_BUDGETS, ...Object.fromEntries(Object.entries(b ?? {}).filter(([, v]) => v !== undefined)) };
}

/** Why a run stopped: which budget, its limit and the figure reached. */
export interface BudgetStop {
  budget: BudgetKind;
  limit: number;
  used: number;
}

export function formatBudgetFigure(kind: BudgetKind, v: number): string {
  if (kind === 'events') return v >= 1e6 ? `${(v / 1e6).toPrecision(3)} M events` : `${Math.round(v)} events`;
  if (kind === 'wall') return v >= 60_000 ? `${(v / 60_000).toPrecision(3)} min` : `${(v / 1000).toPrecision(3)} s`;
  if (v >= 2 ** 30) return `${(v / 2 ** 30).toPrecision(3)} GiB`;
  return `${(v / 2 ** 20).toPrecision(3)} MiB`;
}

/** A run stopped at one of its budgets; stored with the status `budget-exceeded` and this message. */
export class BudgetExceededError extends Error {
  constructor(readonly stop: BudgetStop) {
    const { budget, limit, used } = stop;
    const what = budget === 'events' ? 'event' : budget === 'wall' ? 'wall-time' : 'memory';
    super(`budget exceeded: the ${what} budget of ${formatBudgetFigure(budget, limit)} was reached (${formatBudgetFigure(budget, used)}); raise it with ${BUDGET_FLAGS[budget]}`);
    this.name = 'BudgetExceededError';
  }
}
