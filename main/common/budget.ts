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

/**
 * Memory the spec alone fixes (a model's footprint): `count` entries of `bytesEach` bytes of the
 * simulator's own memory, declared by the model that creates them at `path` (e.g. the TCEs of a
 * DMA window that maps all guest RAM at boot).
 */
export interface FootprintItem {
  path: string;
  what: string;
  count: number;
  bytesEach: number;
}

/** A run's work estimate, made before it starts: from the spec (footprints) and a short pilot (events). */
export interface WorkEstimate {
  /** Events the run will process (the pilot's extrapolation). */
  events: number;
  /** `exact`: the pilot ran the whole run; `extrapolated`: from its measured phase; `at-least`: boot outlasted the pilot. */
  eventsBasis: 'exact' | 'extrapolated' | 'at-least';
  /** Bytes the run adds: the footprints plus a fixed allowance for the engine's own structures. */
  bytes: number;
  /** Wall-clock ms at the pilot's rate on this machine (informative; the refusal on wall time uses it). */
  wallMs: number;
  footprint: FootprintItem[];
  /** How the events were estimated, in a few words. */
  basis: string;
  /** The pilot run threw (an engine bug for a spec the schema and the topology check accepted). */
  pilotError?: string;
}

/** What an estimate exceeds of the budgets: one sentence each, with the figure and the flag. */
export function budgetExcesses(e: WorkEstimate, b: Budgets): { budget: BudgetKind; message: string }[] {
  const out: { budget: BudgetKind; message: string }[] = [];
  const approx = e.eventsBasis === 'exact' ? '' : e.eventsBasis === 'at-least' ? 'at least ' : 'about ';
  if (e.events > b.maxEvents) {
    out.push({ budget: 'events', message: `the work estimate, ${approx}${formatCount(e.events)} events (${e.basis}), exceeds the event budget of ${formatCount(b.maxEvents)}: shorten the run or raise the budget with ${BUDGET_FLAGS.events} ${formatCount(suggest(e.events))}` });
  }
  if (e.bytes > b.maxMemoryBytes) {
    const big = [...e.footprint].sort((x, y) => y.count * y.bytesEach - x.count * x.bytesEach)[0];
    const why = big ? ` (${big.path}: ${formatCount(big.count)} ${big.what} × ${big.bytesEach} B)` : '';
    out.push({ budget: 'memory', message: `the memory estimate, ${formatBudgetFigure('memory', e.bytes)}${why}, exceeds the memory budget of ${formatBudgetFigure('memory', b.maxMemoryBytes)}: raise it with ${BUDGET_FLAGS.memory} ${Math.ceil((e.bytes * 1.25) / 2 ** 30)}GiB if the machine has that much` });
  }
  if (e.wallMs > b.maxWallMs && e.events <= b.maxEvents) {
    out.push({ budget: 'wall', message: `the wall-time estimate, ${approx}${formatBudgetFigure('wall', e.wallMs)} at this machine's pilot rate (${formatCount(e.events)} events), exceeds the wall-time budget of ${formatBudgetFigure('wall', b.maxWallMs)}: raise it with ${BUDGET_FLAGS.wall} ${Math.ceil((e.wallMs * 1.5) / 60_000)}min` });
  }
  return out;
}

/** 1234567 → "1.23e6"; small numbers as they are. */
export function formatCount(n: number): string {
  return n < 1e5 ? String(Math.round(n)) : n.toExponential(2).replace('e+', 'e');
}

function suggest(events: number): number {
  return Number((events * 1.5).toPrecision(2));
}
