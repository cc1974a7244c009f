/**
 * The one run pipeline: source text → parse → validate → topology check → prepared runs, or
 * positioned diagnostics. The CLI (commands run/check), the API service (checkScript, start)
 * and through it the workbench's markers all call `prepareSource`, so the same bad input gives
 * the same diagnostic everywhere (`formatDiagnostic` in main/common is the CLI's text of it).
 *
 * - parse: a TypeScript script is evaluated in the sandbox (which validates its specs and
 *   places schema errors at the builder call); a JSON file is parsed with line:column syntax errors.
 * - validate: every spec through the schema and its profile resolved (prepared.ts); JSON errors
 *   land on the offending field, script errors on the builder call that declared it.
 * - topology: the injected checker builds each machine (the engine host's workers in the app);
 *   an error names a JSON path, placed the same way.
 * - budget: each distinct spec (replications share one) gets a work estimate — a pilot run of its
 *   first events and the models' footprints (estimate.ts), in the checker too — and a spec whose
 *   estimated events, memory or wall time exceed the run budgets is refused with the estimate and
 *   the flag that raises the limit (main/common/budget.ts). A single run that the caller runs at
 *   once (`pilotInRun`) is its own pilot: the verdict on its events and wall time comes when the
 *   run has gone as far as the pilot would have (run-pilot.ts), with the same figures.
 * Each stage runs only when the one before it found nothing.
 */
import { ScriptError, type PositionedDiagnostic } from '../../common/diagnostics';
import { ProfileError } from '../../common/profile/profile';
import { SpecError } from '../../common/spec';
import { SetPathError } from '../../common/spec/set-path';
import type { EvaluateOptions, ScriptExperiment } from '../../script/api';
import { entryForPath, restOfPath } from '../../script/sites';
import { spanInCall } from '../../script/spans';
import { JsonSyntaxError, locateSpan, parseJsonSource, splitPath, type Position } from '../json-source';
import type { TopologyChecker } from './checker';
import { prepareSpec, type PreparedRun } from './prepared';
import { budgetExcesses, resolveBudgets, type Budgets, type WorkEstimate } from '../../common/budget';
import { PILOT_EVENTS, PILOT_MIN_EVENTS, PILOT_TOTAL_EVENTS } from './estimate-limits';

export type Evaluate = (source: string, file: string, opts?: EvaluateOptions) => Promise<ScriptExperiment>;

export interface SourceInput {
  /** The file name (its extension chooses the parser; diagnostics are about it). */
  file: string;
  source: string;
  /** `--set key=value`: a sweep parameter (scripts), a profile parameter or a spec path. */
  sets?: readonly [string, unknown][];
  /** Replaces the seed: of a JSON spec; of replication 0 of a script (replication k runs with seed + k). */
  seed?: number;
  /** The script's wall-clock limit. */
  timeoutMs?: number;
  /** Type-check a script against the DSL's .d.ts first. */
  typeCheck?: boolean;
  /** The run budgets a spec's work estimate must fit (DEFAULT_BUDGETS where absent). */
  budgets?: Partial<Budgets>;
  /**
   * The caller runs the source's runs right away (`viommu-lab run`): a single run then gets no
   * separate pilot, its estimate is made from its own first events (`runPilot` in the outcome).
   */
  pilotInRun?: boolean;
}

/** The pilot a single run makes of its own first events, and the pipeline's verdict on the estimate from them. */
export interface RunPilot {
  /** Events of the pilot, as a separate one would have had. */
  events: number;
  /** The diagnostics that refuse the run with this estimate: none, it goes on. */
  refusal(estimate: WorkEstimate): PositionedDiagnostic[];
}

export interface PipelineDeps {
  evaluate: Evaluate;
  checker: TopologyChecker;
}

export type SourceOutcome =
  | { ok: true; experiment: string; description?: string; runs: PreparedRun[]; logs: string[]; estimates?: WorkEstimate[]; runPilot?: RunPilot }
  | { ok: false; diagnostics: PositionedDiagnostic[]; logs: string[] };

/** At most this many diagnostics per source: the first ones say what to fix. */
export const MAX_DIAGNOSTICS = 50;

export function isScriptFile(file: string): boolean {
  return /\.(ts|mts)$/.test(file);
}

/** One spec to prepare, and where its parts are in the source. */
/** A source position, with where the offending text ends when that is known. */
type At = Position & { endLine?: number; endColumn?: number };

interface Item {
  input: unknown;
  /** Source span of a spec path ('' is the spec itself). */
  locate(path: string): At;
  /** How a spec path is named in messages ('[2].vms[0]' in a JSON sweep). */
  name(path: string): string;
  /** Appended to topology and profile messages (a script's sweep point). */
  suffix: string;
}

interface Parsed {
  experiment: string;
  description?: string;
  items: Item[];
  logs: string[];
}

const diag = (kind: PositionedDiagnostic['kind'], at: At, message: string): PositionedDiagnostic =>
  at.endLine !== undefined && at.endColumn !== undefined ? { kind, line: at.line, column: at.column, endLine: at.endLine, endColumn: at.endColumn, message } : { kind, line: at.line, column: at.column, message };

export async function prepareSource(input: SourceInput, deps: PipelineDeps): Promise<SourceOutcome> {
  const parsed = isScriptFile(input.file) ? await parseScript(input, deps.evaluate) : parseJson(input);
  if ('diagnostics' in parsed) return { ok: false, diagnostics: parsed.diagnostics, logs: [] };
  const { items, logs } = parsed;
  if (items.length === 0) return { ok: false, diagnostics: [diag('schema', { line: 1, column: 1 }, isScriptFile(input.file) ? 'the script produced no spec' : 'the file holds no spec')], logs };

  const diagnostics: PositionedDiagnostic[] = [];
  const runs: PreparedRun[] = [];
  const jsonSets = isScriptFile(input.file) ? {} : { sets: input.sets, seed: input.seed };
  for (const item of items) {
    try {
      runs.push(prepareSpec(item.input, jsonSets));
    } catch (e) {
      if (e instanceof SpecError) {
        for (const issue of e.issues) diagnostics.push(diag('schema', item.locate(issue.path), `${item.name(issue.path)}: ${issue.message}${item.suffix}`));
      } else if (e instanceof ProfileError) diagnostics.push(diag('profile', item.locate('profile'), `${e.message}${item.suffix}`));
      else if (e instanceof SetPathError) diagnostics.push(diag('schema', item.locate(''), `${e.message}${item.suffix}`));
      else throw e;
    }
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics: collapse(diagnostics), logs };

  const issues = await deps.checker.checkTopology(runs);
  issues.forEach((issue, i) => {
    if (issue !== null) diagnostics.push(diag('topology', items[i]!.locate(issue.path), `${items[i]!.name(issue.path)}: ${issue.detail}${items[i]!.suffix}`));
  });
  if (diagnostics.length > 0) return { ok: false, diagnostics: collapse(diagnostics), logs };

  const budgets = resolveBudgets(input.budgets);
  // One run that its caller runs itself: the pilot is the run's own first events (run-pilot.ts),
  // so here only its footprint is checked, and the caller gets the verdict to give at the pilot point.
  const inRun = input.pilotInRun === true && runs.length === 1;
  const judge = (e: WorkEstimate, item: Item): PositionedDiagnostic[] => {
    const out: PositionedDiagnostic[] = [];
    if (e.pilotError !== undefined) out.push(diag('topology', item.locate(''), `${item.name('')}: the engine failed in this spec's pilot run (an engine bug; please report it with the spec): ${e.pilotError}${item.suffix}`));
    for (const x of budgetExcesses(e, budgets)) out.push(diag('budget', item.locate(''), `${item.name('')}: ${x.message}${item.suffix}`));
    return out;
  };
  const estimates = await estimateRuns(runs, deps.checker, budgets.maxMemoryBytes, inRun);
  if (estimates !== undefined) {
    estimates.forEach((e, i) => diagnostics.push(...judge(e, items[i]!)));
    if (diagnostics.length > 0) return { ok: false, diagnostics: collapse(diagnostics), logs };
  }
  const runPilot = inRun && estimates !== undefined ? { events: pilotEventsEach(1), refusal: (e: WorkEstimate) => collapse(judge(e, items[0]!)) } : undefined;
  return { ok: true, experiment: parsed.experiment, description: parsed.description, runs, logs, estimates, runPilot };
}

/** Each distinct spec's pilot events when `distinct` of them share PILOT_TOTAL_EVENTS. */
function pilotEventsEach(distinct: number): number {
  return Math.max(PILOT_MIN_EVENTS, Math.min(PILOT_EVENTS, Math.floor(PILOT_TOTAL_EVENTS / distinct)));
}

/**
 * One estimate per distinct configuration (replications differ only in their seed, so they share
 * their point's; runs differing only in name share one too), the pilots sharing
 * PILOT_TOTAL_EVENTS; undefined when the checker makes none.
 */
async function estimateRuns(runs: readonly PreparedRun[], checker: TopologyChecker, maxBytes: number, footprintOnly: boolean): Promise<WorkEstimate[] | undefined> {
  if (checker.estimateWork === undefined) return undefined;
  // What the engine does not read (names, the point's labels, the seed of a replication) does not make a spec distinct.
  const keyOf = (r: PreparedRun): string => JSON.stringify([{ ...r.spec, seed: 0, replication: 0, name: '', description: '', point: {} }, r.profile.params]);
  const distinct = new Map<string, number>();
  const index = runs.map((r) => {
    const k = keyOf(r);
    let i = distinct.get(k);
    if (i === undefined) distinct.set(k, (i = distinct.size));
    return i;
  });
  const firsts = [...distinct.values()].map((i) => runs[index.indexOf(i)]!);
  const estimates = await checker.estimateWork(firsts, footprintOnly ? 0 : pilotEventsEach(firsts.length), maxBytes);
  return index.map((i) => estimates[i]!);
}

/**
 * One diagnostic per problem and position: a sweep whose points all fail the same way at the same
 * place says so once, with how many other points failed there, instead of once per point; two
 * different problems at one place (a negative CPU count, and too few CPUs for the VMs) stay two.
 */
function collapse(list: readonly PositionedDiagnostic[]): PositionedDiagnostic[] {
  const at = new Map<string, { d: PositionedDiagnostic; more: number }>();
  for (const d of list) {
    const key = `${d.line}:${d.column}:${d.kind}:${d.message.replace(/ \(sweep point [^)]*\)$/, '')}`;
    const seen = at.get(key);
    if (seen === undefined) at.set(key, { d, more: 0 });
    else if (seen.d.message !== d.message) seen.more++;
  }
  return [...at.values()].slice(0, MAX_DIAGNOSTICS).map(({ d, more }) => (more === 0 ? d : { ...d, message: `${d.message} (and ${more} more sweep point${more > 1 ? 's' : ''})` }));
}

async function parseScript(input: SourceInput, evaluate: Evaluate): Promise<Parsed | { diagnostics: PositionedDiagnostic[] }> {
  let exp: ScriptExperiment;
  try {
    exp = await evaluate(input.source, input.file, { sets: input.sets, timeoutMs: input.timeoutMs, typeCheck: input.typeCheck });
  } catch (e) {
    if (e instanceof ScriptError) return { diagnostics: collapse(e.diagnostics.map((d) => diag(d.kind, d, d.message))) };
    throw e;
  }
  const items = exp.specs.map((spec, i): Item => {
    const point = Object.entries(spec.point).map(([k, v]) => `${k}=${String(v)}`).join(' ');
    return {
      // --seed N replaces the script's seed of replication 0; replication k still runs with N + k in every point.
      input: input.seed === undefined ? spec : { ...spec, seed: input.seed + spec.replication },
      // The builder call that declared the longest prefix of the path, then the property inside it.
      locate: (path) => {
        const hit = entryForPath(path, Object.entries(exp.positions?.[i] ?? {}));
        return hit === undefined ? { line: 1, column: 1 } : spanInCall(input.source, hit[1], restOfPath(path, hit[0]));
      },
      name: (path) => path || '(spec)',
      suffix: point ? ` (sweep point ${point})` : '',
    };
  });
  return { experiment: exp.name, description: exp.description, items, logs: exp.logs ?? [] };
}

function parseJson(input: SourceInput): Parsed | { diagnostics: PositionedDiagnostic[] } {
  let raw: unknown;
  try {
    raw = parseJsonSource(input.source);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { diagnostics: [diag('syntax', e.position, `invalid JSON: ${e.message}`)] };
    throw e;
  }
  const sweep = Array.isArray(raw);
  const specs = sweep ? (raw as unknown[]) : [raw];
  const items = specs.map((one, index): Item => {
    const prefix: (string | number)[] = sweep ? [index] : [];
    return {
      input: one,
      locate: (path) => locateSpan(input.source, [...prefix, ...splitPath(path)]),
      name: (path) => (sweep ? `[${index}]${path === '' ? '' : path.startsWith('[') ? path : '.' + path}` : path || '(spec)'),
      suffix: '',
    };
  });
  const first = specs[0] as { name?: unknown; description?: unknown } | undefined;
  const base = input.file.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  return {
    experiment: typeof first?.name === 'string' && first.name !== '' ? first.name : base,
    description: typeof first?.description === 'string' ? first.description : undefined,
    items,
    logs: [],
  };
}
