// Every spec field does something (issue 9, done-when 3). Over every example in
// resources/examples/*.json (a sweep: its first and last point), each leaf field as written is
// mutated — a boolean toggled, a number doubled / halved / moved by one, a quantity string
// doubled / halved, an enum moved to its other values, a reference moved to another id — and
// the mutated spec is run (durations shrunk to 500 us, so the suite stays fast; a field inert
// there is tried again at the example's own duration). A field passes
// when some mutation changes the canonical result or is refused by a rule with a message (a
// cross-field check, the profile's architecture, a model's topology check): either way the
// engine acts on it. A field is judged over all the examples it appears in (a knob may be inert
// in one configuration — guest RAM size under dma-direct — and decisive in another). Exempt: the
// short descriptive list below, and structural discriminators (`kind`) whose other values need
// other fields, which no single-leaf mutation can produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { prepareRun } from '../../main/api/runner';
import { resourcesDir } from '../../main/api/resources';
import { loadProfileFiles } from '../../main/api/profiles';
import { canonicalJson } from '../../main/common/result';
import { catalog } from '../../main/engine/catalog';
import { RULE } from '../../main/common/spec/topology';
import { runSimulation } from '../../main/engine/run';

/** Fields that describe a run without changing it: names, descriptions, ids, sweep bookkeeping. */
const DESCRIPTIVE = [/^name$/, /^description$/, /^version$/, /^point\./, /^replication$/, /\.id$/];
/**
 * Structural: a `kind` picks a schema (its other values need other fields); a reference (vm,
 * viommu, hostIommu, backing, VT-d's nestedIn) can only move to another id, and an example may have no other.
 */
const STRUCTURAL = /(^|\.)(kind|vm|viommu|hostIommu|backing\[\]|nestedIn)$/;

type Path = (string | number)[];
type Json = Record<string, unknown>;
type Outcome = { result: 'changed' | 'refused' | 'same' | 'invalid'; detail: string };

const profiles = [...loadProfileFiles().keys()];

function leaves(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (v !== null && typeof v === 'object') {
    if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...path, i], out));
    else for (const [k, x] of Object.entries(v)) leaves(x, [...path, k], out);
  } else out.push(path);
  return out;
}

const get = (o: unknown, path: Path): unknown => path.reduce<unknown>((c, p) => (c as Record<string | number, unknown>)[p], o);

function setAt(o: Json, path: Path, v: unknown): Json {
  const c = structuredClone(o);
  const parent = get(c, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = v;
  return c;
}

/** The field's name across specs: indices dropped, model instances named by kind (`vms[].viommus[spapr-tce].params.ddw`). */
function fieldKey(spec: Json, path: Path): string {
  let s = '';
  let cur: unknown = spec;
  for (const p of path) {
    const next = (cur as Record<string | number, unknown>)[p];
    if (typeof p === 'number') {
      const k = (next as { kind?: unknown } | null)?.kind;
      s += typeof k === 'string' && (next as { params?: unknown }).params !== undefined ? `[${k}]` : '[]';
    } else s += (s ? '.' : '') + p;
    cur = next;
  }
  return s;
}

function ids(list: unknown): string[] {
  return Array.isArray(list) ? list.map((x) => (x as { id: string }).id) : [];
}

function candidates(spec: Json, path: Path): unknown[] {
  const v = get(spec, path);
  const last = path[path.length - 1];
  const parentKey = path.length >= 2 ? path[path.length - 2] : undefined;
  if (path[0] === 'profile' && last === 'base') return profiles.filter((p) => p !== v);
  if (last === 'confidential') return ['none', ...catalog.models.filter((m) => m.role === 'confidential').map((m) => m.kind)].filter((k) => k !== v);
  if (path[0] === 'devices' && last === 'vm') return ids(spec.vms).filter((x) => x !== v);
  if (path[0] === 'devices' && last === 'hostIommu') return ids((spec.host as Json | undefined)?.iommus).filter((x) => x !== v);
  if (path[0] === 'devices' && last === 'viommu') {
    const vm = (spec.vms as Json[]).find((x) => x.id === get(spec, [...path.slice(0, -1), 'vm']));
    return ids(vm?.viommus).filter((x) => x !== v);
  }
  if (parentKey === 'backing') return ids((spec.host as Json | undefined)?.iommus).filter((x) => x !== v);
  // A file a spec names (a trace): another file, which does not exist, so the run is refused.
  if (last === 'file' && typeof v === 'string') return [`${v}.other`];
  if (typeof v === 'boolean') return [!v];
  if (typeof v === 'number') {
    // A union of numeric literals (swiotlbAlign: 4096 | 2 MiB | 1 GiB) moves to its other values.
    const literals = enumOptions(spec, path).filter((o) => o !== v);
    if (literals.length > 0) return literals;
    return [...new Set([v * 2, Math.floor(v / 2), v + 1, v - 1, 1])].filter((x) => x !== v && x >= 0);
  }
  if (typeof v !== 'string') return [];
  const options = enumOptions(spec, path);
  if (options.length > 0) return options.filter((o) => o !== v);
  const q = /^(\d+(?:\.\d+)?)([A-Za-zµ/]+)$/.exec(v);
  if (q) return [`${Number(q[1]) * 2}${q[2]}`, `${Number(q[1]) / 2}${q[2]}`];
  if (/^0x[0-9a-f]+$/i.test(v)) return [`0x${(BigInt(v) * 2n).toString(16)}`, `0x${(BigInt(v) / 2n).toString(16)}`];
  return [];
}

/** The values an enum (or a union of literals) at `path` accepts, read from the schema's own error. */
function enumOptions(spec: Json, path: Path): unknown[] {
  const r = catalog.specSchema.safeParse(setAt(spec, path, '\u0000'));
  if (r.success) return [];
  const out: unknown[] = [];
  const target = path.join('.');
  // A model's params are parsed by its own schema, so a union's members report paths relative to
  // the params object: below a union at the target itself, a suffix of the target is the target.
  const visit = (issues: z.ZodIssue[], below: boolean): void => {
    for (const i of issues) {
      const at = i.path.join('.');
      const here = at === target || (below && target.endsWith(`.${at}`));
      if (i.code === 'invalid_union' && target.startsWith(at)) i.unionErrors.forEach((e) => visit(e.issues, below || at === target));
      if (!here) continue;
      if (i.code === 'invalid_enum_value') out.push(...i.options);
      if (i.code === 'invalid_literal') out.push(i.expected);
    }
  };
  visit(r.error.issues, false);
  return [...new Set(out)];
}

function outcome(input: Json, base: string | null): Outcome {
  const parsed = catalog.specSchema.safeParse(input);
  if (!parsed.success) {
    // A rule (a cross-field check) refuses with a message; a value the field's type rejects is no mutation at all.
    const rules = parsed.error.issues.every((i) => i.code === 'custom' && (i.params as { rule?: string } | undefined)?.rule === RULE.rule);
    return rules ? { result: 'refused', detail: parsed.error.issues[0]!.message } : { result: 'invalid', detail: '' };
  }
  let text: string;
  try {
    const run = prepareRun(input);
    text = canonicalJson(runSimulation(run.spec, run.profile));
  } catch (e) {
    return { result: 'refused', detail: (e as Error).message };
  }
  return text === base ? { result: 'same', detail: '' } : { result: 'changed', detail: '' };
}

function examples(): [string, Json, Json][] {
  const dir = join(resourcesDir(), 'examples');
  const out: [string, Json, Json][] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'tsconfig.json').sort()) {
    const all = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json | Json[];
    const list = Array.isArray(all) ? (all.length > 1 ? [all[0]!, all[all.length - 1]!] : all) : [all];
    list.forEach((spec, i) => {
      const short = structuredClone(spec);
      if (short.duration !== undefined) short.duration = '500us';
      out.push([`${file}#${i === 0 ? 'first' : 'last'}`, short, spec]);
    });
  }
  return out;
}

test('every leaf field of every example changes the result or is refused, unless it is descriptive', (t) => {
  const verdict = new Map<string, { result: Outcome['result'] | 'untried'; where: string; detail: string }>();
  const inertAt = new Map<string, [string, Json, Path][]>();
  let runs = 0;
  const judge = (spec: Json, path: Path, baseText: string): Outcome | null => {
    let best: Outcome | null = null;
    for (const c of candidates(spec, path)) {
      const o = outcome(setAt(spec, path, c), baseText);
      if (o.result === 'invalid') continue;
      runs++;
      if (o.result === 'changed' || best === null || best.result === 'same') best = { result: o.result, detail: `${JSON.stringify(c)}${o.detail ? `: ${o.detail}` : ''}` };
      if (o.result === 'changed') break;
    }
    return best;
  };
  const baseOf = (spec: Json): string => {
    const run = prepareRun(spec);
    return canonicalJson(runSimulation(run.spec, run.profile));
  };
  const rank = { changed: 3, refused: 2, same: 1, untried: 0, invalid: 0 };
  for (const [name, spec, full] of examples()) {
    const baseText = baseOf(spec);
    for (const path of leaves(spec)) {
      const written = path.join('.').replace(/\.(\d+)/g, '[$1]').replace(/\[\d+\]/g, '');
      if (DESCRIPTIVE.some((d) => d.test(written)) || path[0] === 'duration') continue;
      const key = fieldKey(spec, path);
      const prev = verdict.get(key);
      if (prev?.result === 'changed' || prev?.result === 'refused') continue;
      const best = judge(spec, path, baseText);
      const v = best === null ? { result: 'untried' as const, where: name, detail: '' } : { ...best, where: name };
      if (v.result === 'same' && full.duration !== spec.duration) inertAt.set(key, [...(inertAt.get(key) ?? []), [name, full, path]]);
      if (prev === undefined || rank[v.result] > rank[prev.result]) verdict.set(key, v);
    }
  }
  // Inert in 500 us: try again at the example's own duration.
  for (const [key, places] of inertAt) {
    for (const [name, full, path] of places) {
      if (verdict.get(key)?.result !== 'same') break;
      const best = judge(full, path, baseOf(full));
      if (best !== null && rank[best.result] > rank.same) verdict.set(key, { ...best, where: `${name} at its own duration` });
    }
  }
  const rows = [...verdict].sort(([a], [b]) => a.localeCompare(b));
  const count = (r: string): number => rows.filter(([, v]) => v.result === r).length;
  t.diagnostic(`${rows.length} fields, ${runs} mutated runs: ${count('changed')} change the result, ${count('refused')} are refused by a rule, ${count('untried')} structural`);
  for (const [k, v] of rows.filter(([, v]) => v.result === 'refused')) t.diagnostic(`refused  ${k} = ${v.detail.slice(0, 140)} [${v.where}]`);
  const inert = rows.filter(([k, v]) => v.result === 'same' || (v.result === 'untried' && !STRUCTURAL.test(k))).map(([k, v]) => `${k} (${v.result} in ${v.where})`);
  assert.deepEqual(inert, [], 'fields accepted and ignored (make them act, refuse them, or argue them onto the descriptive list)');
});
