/**
 * The scripting pipeline: transpile (esbuild) → evaluate in the sandbox (QuickJS in a worker) →
 * parse its JSON text defensively → add replications → apply the `--set`s the sweep did not
 * take → validate every spec with the spec schema. Every failure becomes one ScriptError at the
 * script's own line:column (mapped back through the source map).
 */
import { DEFAULT_SCRIPT_TIMEOUT_MS } from './api';
import { basename } from 'node:path';
import { SpecError, type Spec } from '../common/spec';
import { catalog, parseSpec } from '../engine/catalog';
import { setPath, SetPathError } from '../common/spec/set-path';
import type { EvaluateOptions, ScriptExperiment } from './api';
import { classify, type Limits } from './classify';
import { ScriptError, type ScriptErrorKind } from './diagnostic';
import type { Site } from './dsl/callsite';
import type { Expansion } from './dsl/expand';
import { sweepTooLarge } from './dsl/limits';
import { expansionSchema, MAX_REPLICATIONS, MAX_RUNS } from './expansion-schema';
import { dslRuntimeSource } from './runtime-bundle';
import { runInSandbox } from './sandbox';
import { entryForPath, restOfPath } from './sites';
import { spanInCall } from './spans';
import type { ScriptDiagnostic } from './diagnostic';
import { SourceMap } from './source-map';
import { transpile } from './transpile';

export const DEFAULTS = { timeoutMs: DEFAULT_SCRIPT_TIMEOUT_MS, memoryLimitBytes: 64 * 2 ** 20, stackLimitBytes: 512 * 1024, maxResultChars: 16_000_000 };

/** Top-level spec fields `--set` may write even when the script left them to their defaults. */
const SPEC_FIELDS = new Set(['name', 'description', 'duration', 'profile', 'host']);

/** JSON.parse that refuses keys which could reach a prototype when the result is copied. */
function parseResult(text: string): Expansion {
  return JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new ForbiddenKey(key);
    return value;
  }) as Expansion;
}

class ForbiddenKey extends Error {
  constructor(readonly key: string) {
    super(`the spec may not contain a "${key}" key`);
  }
}

/** The longest a script may run: timers cannot wait longer than 2^31 − 1 ms, and no sweep needs 10 minutes to declare. */
export const MAX_TIMEOUT_MS = 600_000;

export async function evaluate(source: string, file: string, opts: EvaluateOptions): Promise<ScriptExperiment> {
  if (opts.timeoutMs !== undefined && !(Number.isSafeInteger(opts.timeoutMs) && opts.timeoutMs >= 1 && opts.timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new ScriptError({ kind: 'limit', file, line: 1, column: 1, message: `the script time limit must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, not ${String(opts.timeoutMs)}` });
  }
  const limits: Limits & { maxResultChars: number } = {
    timeoutMs: opts.timeoutMs ?? DEFAULTS.timeoutMs,
    memoryLimitBytes: opts.memoryLimitBytes ?? DEFAULTS.memoryLimitBytes,
    stackLimitBytes: opts.stackLimitBytes ?? DEFAULTS.stackLimitBytes,
    maxResultChars: opts.maxResultChars ?? DEFAULTS.maxResultChars,
  };
  if (opts.typeCheck === true) {
    const { typeCheck } = await import('./typecheck');
    const errors = typeCheck(source, file);
    if (errors.length > 0) throw new ScriptError(errors[0]!, errors.slice(1));
  }
  const { code, map } = await transpile(source, file);
  const sourceMap = new SourceMap(map);
  const fail = (kind: ScriptErrorKind, message: string, site: Site | undefined): ScriptError => {
    const pos = (site && sourceMap.original(site)) ?? { line: 1, column: 1 };
    return new ScriptError({ kind, file, line: pos.line, column: pos.column, message });
  };

  const sets = opts.sets ?? [];
  const outcome = await runInSandbox({ runtimeJs: await dslRuntimeSource(), scriptJs: code, sets, ...limits });
  if (!outcome.ok) {
    const c = classify(outcome.error, limits);
    throw fail(c.kind, c.message, c.site);
  }
  let parsed: Expansion;
  try {
    parsed = parseResult(outcome.json);
  } catch (e) {
    if (e instanceof ForbiddenKey) throw fail('forbidden', e.message, undefined);
    if (e instanceof SyntaxError) throw fail('runtime', 'the sandbox answered with text that is not JSON (did the script replace JSON.stringify?)', undefined);
    throw e;
  }
  const checked = expansionSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const at = issue.path.join('.');
    if (at === 'replications' && issue.code === 'too_big') throw fail('limit', `the experiment asks for more than ${MAX_REPLICATIONS} replications per point`, undefined);
    if (at === 'points' && issue.code === 'too_big') throw fail('limit', `the sweep has more than ${MAX_RUNS} points; split it into shards or experiments`, undefined);
      throw fail('runtime', `the sandbox's answer is malformed at ${at || '(top)'}: ${issue.message} (did the script tamper with the DSL or its globals?)`, undefined);
  }
  const expansion = checked.data as Expansion;
  const tooLarge = sweepTooLarge(expansion.points.length, expansion.replications);
  if (tooLarge !== undefined) throw fail('limit', tooLarge, expansion.site);

  const specs: Spec[] = [];
  const positions: Record<string, { line: number; column: number }>[] = [];
  const used = new Set(expansion.usedSets);
  /** Every schema error of every point, each at the property that set it (reported together after the loop). */
  const schemaErrors: ScriptDiagnostic[] = [];
  for (const p of expansion.points) {
    let raw: unknown = p.spec;
    for (const [key, value] of sets) {
      if (used.has(key)) continue;
      if (catalog.params.get(key) !== undefined) {
        const r = raw as { profile?: { overrides?: Record<string, unknown> } };
        raw = { ...r, profile: { ...r.profile, overrides: { ...r.profile?.overrides, [key]: value } } };
        continue;
      }
      const top = key.split(/[.[]/)[0];
      if (top === undefined || !(top in (raw as object) || SPEC_FIELDS.has(top))) {
        const params = Object.keys(p.point);
        const hint = params.length > 0 ? `its sweep parameters are ${params.join(', ')}` : 'it has no sweep parameters';
        throw fail('schema', `--set ${key}: not a sweep parameter, a profile parameter or a spec field (${hint})`, expansion.site);
      }
      try {
        raw = setPath(raw, key, value);
      } catch (e) {
        if (e instanceof SetPathError) throw fail('schema', `${e.message} (and it is neither a sweep parameter nor a profile parameter)`, expansion.site);
        throw e;
      }
    }
    let spec: Spec;
    try {
      const named = (raw as { name?: unknown }).name === undefined && !expansion.name ? { name: basename(file).replace(/\.m?ts$/, '') } : {};
      spec = parseSpec({ ...(raw as object), ...named, point: p.point, seed: expansion.seed, replication: 0 });
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      const where = Object.keys(p.point).length > 0 ? ` (sweep point ${Object.entries(p.point).map(([k, v]) => `${k}=${String(v)}`).join(' ')})` : '';
      for (const issue of e.issues) {
        const hit = entryForPath(issue.path, p.sites);
        const site = hit?.[1] ?? expansion.site;
        const pos = (site && sourceMap.original(site)) ?? { line: 1, column: 1 };
        const span = site ? spanInCall(source, pos, hit ? restOfPath(issue.path, hit[0]) : []) : { line: 1, column: 1, endLine: 1, endColumn: 2 };
        schemaErrors.push({ kind: 'schema', file, ...span, message: `${issue.path || '(spec)'}: ${issue.message}${where}` });
      }
      continue;
    }
    const pointPositions: Record<string, { line: number; column: number }> = {};
    for (const [path, site] of p.sites) {
      const pos = sourceMap.original(site);
      if (pos) pointPositions[path] = pos;
    }
    for (let k = 0; k < expansion.replications; k++) {
      specs.push({ ...spec, seed: expansion.seed + k, replication: k });
      positions.push(pointPositions);
    }
  }
  if (schemaErrors.length > 0) throw new ScriptError(schemaErrors[0]!, schemaErrors.slice(1));
  const out: ScriptExperiment = { name: expansion.name || basename(file).replace(/\.m?ts$/, ''), specs, positions };
  if (outcome.logs !== undefined && outcome.logs.length > 0) out.logs = outcome.logs;
  if (expansion.description !== undefined) out.description = expansion.description;
  return out;
}
