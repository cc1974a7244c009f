/**
 * Turns an editor buffer into prepared runs, or into diagnostics at line:column: JSON specs
 * (one spec, or an array of specs with their `point` — a sweep) through prepareRun, and
 * TypeScript scripts through the scripting pipeline's evaluateScript.
 */
import type { Diagnostic } from '../common/api/types';
import { ProfileError } from '../common/profile/profile';
import { SpecError } from '../common/spec';
import { SetPathError } from '../common/spec/set-path';
import { ScriptError, type EvaluateOptions, type ScriptExperiment } from '../script/api';
import { JsonSyntaxError, locatePath, parseJsonSource, splitPath } from './json-source';
import { prepareRun, type PreparedRun } from './runner';

export type Evaluate = (source: string, file: string, opts?: EvaluateOptions) => Promise<ScriptExperiment>;

export interface PreparedSource {
  experiment: string;
  description?: string;
  runs: PreparedRun[];
}

export type SourceOutcome = { ok: true; prepared: PreparedSource } | { ok: false; diagnostics: Diagnostic[] };

const error = (kind: string, line: number, column: number, message: string): Diagnostic => ({ severity: 'error', kind, line, column, message });

export async function prepareSource(file: string, source: string, evaluate: Evaluate): Promise<SourceOutcome> {
  return file.endsWith('.ts') ? prepareScript(file, source, evaluate) : prepareJson(file, source);
}

function prepareJson(file: string, source: string): SourceOutcome {
  let raw: unknown;
  try {
    raw = parseJsonSource(source);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { ok: false, diagnostics: [error('syntax', e.position.line, e.position.column, e.message)] };
    throw e;
  }
  const sweep = Array.isArray(raw);
  const items = sweep ? (raw as unknown[]) : [raw];
  if (items.length === 0) return { ok: false, diagnostics: [error('schema', 1, 1, 'the file holds no spec')] };
  const diagnostics: Diagnostic[] = [];
  const runs: PreparedRun[] = [];
  items.forEach((item, index) => {
    const prefix: (string | number)[] = sweep ? [index] : [];
    try {
      runs.push(prepareRun(item));
    } catch (e) {
      if (e instanceof SpecError) {
        for (const issue of e.issues) {
          const at = locatePath(source, [...prefix, ...splitPath(issue.path)]);
          const where = sweep ? `[${index}]${issue.path ? '.' + issue.path : ''}` : issue.path || '(spec)';
          diagnostics.push(error('schema', at.line, at.column, `${where}: ${issue.message}`));
        }
      } else if (e instanceof ProfileError || e instanceof SetPathError) {
        const at = locatePath(source, [...prefix, 'profile']);
        diagnostics.push(error('schema', at.line, at.column, e.message));
      } else throw e;
    }
  });
  if (diagnostics.length > 0) return { ok: false, diagnostics: diagnostics.slice(0, 50) };
  const first = runs[0]!.spec;
  return { ok: true, prepared: { experiment: first.name !== 'unnamed' ? first.name : file.replace(/\.json$/, ''), description: first.description, runs } };
}

async function prepareScript(file: string, source: string, evaluate: Evaluate): Promise<SourceOutcome> {
  try {
    const exp = await evaluate(source, file, { timeoutMs: 10_000 });
    const runs = exp.specs.map((s) => prepareRun(s));
    if (runs.length === 0) return { ok: false, diagnostics: [error('schema', 1, 1, 'the script produced no spec')] };
    return { ok: true, prepared: { experiment: exp.name, description: exp.description, runs } };
  } catch (e) {
    if (e instanceof ScriptError) {
      const d = e.diagnostic;
      return { ok: false, diagnostics: [error(d.kind, d.line, d.column, d.message)] };
    }
    if (e instanceof SpecError) return { ok: false, diagnostics: e.issues.slice(0, 50).map((i) => error('schema', 1, 1, `${i.path || '(spec)'}: ${i.message}`)) };
    if (e instanceof ProfileError) return { ok: false, diagnostics: [error('schema', 1, 1, e.message)] };
    throw e;
  }
}
