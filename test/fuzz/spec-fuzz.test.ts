/**
 * Spec fuzzing (issue 10, Done-when 1): mutants of the example specs go through the one run
 * pipeline (parse → validate → topology check) and, when accepted, a short run with the simulated
 * duration clamped to 1 µs… 1 ms. Asserts: every refusal is a schema/profile/topology diagnostic
 * (never an internal error or a stack trace), every accepted spec runs without throwing, and no
 * metric is NaN or Infinity. Fixed seed; FUZZ_SEED picks another slice (CI may vary it), FUZZ_N
 * the number of mutants (default 2,000).
 *
 * Hang guard: each mutant runs under an event budget (the engine's, 3 M events) and a CPU-time
 * bound of 10 s (process CPU, not wall time, so a loaded machine does not trip it): the engine
 * polls the bound every ~65k events and stops a run past it, and the time the pipeline took is
 * checked after it returns; either fails the test naming the mutant.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareSource } from '../../main/api/pipeline/pipeline';
import { inProcessChecker } from '../../main/api/pipeline/topology-check';
import { BudgetExceededError } from '../../main/common/budget';
import { runSimulation } from '../../main/engine/run';
import { HOSTILE_SPECS } from './hostile-specs';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = join(ROOT, 'resources', 'examples');
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const N = Number(process.env.FUZZ_N ?? 2000);

/** mulberry32: a small deterministic PRNG (tests only). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTREMES: unknown[] = [0, -1, 1, 1e308, -1e308, 2 ** 53, 2 ** 53 - 1, 2 ** 31, 0.5, 1e-300, 'NaN', 'Infinity', '1e308', '', 'x', null, true, [], {}, '0 B', '1 PiB', '104 d', '2e9', 4096, 4095, 2 ** 40];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k]!, [...at, k], out);
  return out;
}

function getAt(v: Json, p: (string | number)[]): Json {
  return p.reduce<Json>((o, k) => (o as Record<string, Json>)[k as string]!, v);
}

function mutate(base: Json, rnd: () => number): Json {
  const spec = structuredClone(base);
  const count = 1 + Math.floor(rnd() * 3);
  for (let m = 0; m < count; m++) {
    const all = paths(spec).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const p = all[Math.floor(rnd() * all.length)]!;
    const parent = getAt(spec, p.slice(0, -1)) as Record<string | number, Json>;
    const key = p[p.length - 1]!;
    const cur = parent[key];
    const op = rnd();
    if (op < 0.55 || typeof cur === 'number') {
      // Numbers to extremes (most of the interest): the same value scaled, or a fixed extreme.
      if (typeof cur === 'number' && rnd() < 0.4) parent[key] = [0, -cur, cur * 1e6, cur * 2 ** 20, cur + 0.5, cur - 1][Math.floor(rnd() * 6)]!;
      else parent[key] = EXTREMES[Math.floor(rnd() * EXTREMES.length)] as Json;
    } else if (op < 0.65) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (op < 0.75) {
      if (!Array.isArray(parent)) parent[`extra${Math.floor(rnd() * 3)}`] = 1;
    } else if (op < 0.85) {
      // Duplicate an array element (ids collide) or grow the array.
      if (Array.isArray(cur) && cur.length > 0) parent[key] = Array.from({ length: rnd() < 0.5 ? 2 : 200 }, () => structuredClone(cur[0]!));
      else parent[key] = [cur ?? 0];
    } else if (op < 0.95) {
      parent[key] = typeof cur === 'string' ? 7 : typeof cur === 'object' && cur !== null ? 'text' : { kind: 'fixed', value: 1 };
    } else {
      let deep: Json = 1;
      for (let d = 0; d < 40; d++) deep = { a: deep };
      parent[key] = deep;
    }
  }
  return spec;
}

function examples(): Json[] {
  const out: Json[] = [];
  for (const f of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort()) {
    const v = JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as Json;
    if (Array.isArray(v)) out.push(...v);
    else if (v !== null && typeof v === 'object' && Array.isArray((v as { specs?: Json }).specs)) out.push(...((v as { specs: Json[] }).specs));
    else out.push(v);
  }
  return out;
}

function nonFinite(v: unknown, at: string): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : `${at} = ${v}`;
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const r = nonFinite(x, `${at}.${k}`);
      if (r !== null) return r;
    }
  }
  return null;
}

/** No mutant may take more than this much CPU time (issue 10: no hang past 10 s). */
export const MUTANT_CPU_MS = 10_000;
/** Events a mutant's run may process: a short run that is still too big is stopped, not a defect. */
const MUTANT_EVENTS = 3_000_000;

function cpuMs(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
}

export interface FuzzStats {
  mutants: number;
  refused: number;
  accepted: number;
  ran: number;
}

/** One input through the pipeline and, if accepted, a short run; returns what happened or throws on a defect. */
export async function exercise(input: unknown, label: string, stats: FuzzStats, cpuLimitMs = MUTANT_CPU_MS): Promise<void> {
  const source = typeof input === 'string' ? input : JSON.stringify(input);
  const started = process.cpuUsage();
  const hang = (where: string): string => `${label}: hang guard: more than ${cpuLimitMs} ms of CPU ${where}\ninput: ${source.slice(0, 400)}`;
  let outcome;
  try {
    outcome = await prepareSource({ file: 'fuzz.json', source }, { evaluate: () => Promise.reject(new Error('no scripts')), checker: inProcessChecker });
  } catch (e) {
    assert.fail(`${label}: the pipeline threw ${(e as Error).stack ?? String(e)}\ninput: ${source.slice(0, 400)}`);
  }
  if (cpuMs(started) > cpuLimitMs) assert.fail(hang('in the run pipeline (parse, validate, topology check)'));
  stats.mutants++;
  if (!outcome.ok) {
    stats.refused++;
    for (const d of outcome.diagnostics) {
      assert.ok(d.message.length > 3, `${label}: empty diagnostic`);
      assert.doesNotMatch(d.message, /could not build|internal|\n\s+at /, `${label}: ${d.message}\ninput: ${source.slice(0, 400)}`);
    }
    return;
  }
  stats.accepted++;
  for (const run of outcome.runs) {
    const spec = { ...run.spec, duration: Math.min(run.spec.duration, 1_000_000) };
    let result;
    try {
      result = runSimulation(spec, run.profile, {
        maxEvents: MUTANT_EVENTS,
        checkBudget: () => (cpuMs(started) > cpuLimitMs ? { budget: 'wall', limit: cpuLimitMs, used: cpuMs(started) } : null),
      });
    } catch (e) {
      if (e instanceof BudgetExceededError && e.stop.budget === 'wall') assert.fail(hang('running it'));
      if (e instanceof BudgetExceededError) continue;
      assert.fail(`${label}: an accepted spec failed to run: ${(e as Error).stack ?? String(e)}\ninput: ${source.slice(0, 600)}`);
    }
    stats.ran++;
    const bad = nonFinite(result, '');
    assert.equal(bad, null, `${label}: non-finite metric ${bad}\ninput: ${source.slice(0, 600)}`);
  }
  if (cpuMs(started) > cpuLimitMs) assert.fail(hang('in all'));
}

/** Runs every input, then fails once with one example of each distinct defect (a class to fix). */
async function exerciseAll(inputs: Iterable<[unknown, string]>, stats: FuzzStats): Promise<void> {
  const classes = new Map<string, string>();
  for (const [input, label] of inputs) {
    try {
      await exercise(input, label, stats);
    } catch (e) {
      const msg = (e as Error).message;
      const key = msg.split('\n')[0]!.replace(/^[^:]*: /, '').replace(/\d+/g, 'N').slice(0, 120);
      if (!classes.has(key)) classes.set(key, msg.slice(0, 1500));
    }
  }
  assert.equal(classes.size, 0, `${classes.size} defect classes:\n\n${[...classes.values()].join('\n\n')}`);
}

test('the hang guard fails a mutant past its CPU bound, naming it, in the pipeline or mid-run', async () => {
  const stats: FuzzStats = { mutants: 0, refused: 0, accepted: 0, ran: 0 };
  const long = { duration: '1ms', vms: [{ id: 'vm0', memory: '1GiB', vcpus: 1 }], devices: [{ id: 'nic0', vm: 'vm0', kind: 'nic', workload: { kind: 'nic', bitrate: '100Gbps' } }] };
  // A bound of 0 ms is past before the pipeline returns; a bound the pipeline fits in but not the run's first 65k events stops the run.
  await assert.rejects(exercise(long, 'mutant 42 (test)', stats, 0), /^AssertionError.*mutant 42 \(test\): hang guard: more than 0 ms of CPU in the run pipeline/s);
  await assert.rejects(exercise({ ...long, duration: '50ms' }, 'mutant 43 (test)', stats, 1), /mutant 43 \(test\): hang guard: more than 1 ms of CPU (in the run pipeline|running it)/);
  // The same spec within the bound passes.
  await exercise(long, 'mutant 44 (test)', stats);
});

test('the issue-10 hostile specs are refused with a clear message or run cleanly', async () => {
  const stats: FuzzStats = { mutants: 0, refused: 0, accepted: 0, ran: 0 };
  await exerciseAll(HOSTILE_SPECS.map((h) => [h.spec, h.name]), stats);
  // Those with an expected refusal name the JSON path of the offending field.
  for (const h of HOSTILE_SPECS.filter((h) => h.refusedAt !== undefined)) {
    const source = typeof h.spec === 'string' ? h.spec : JSON.stringify(h.spec);
    const r = await prepareSource({ file: 'hostile.json', source }, { evaluate: () => Promise.reject(new Error('no scripts')), checker: inProcessChecker });
    assert.equal(r.ok, false, `${h.name}: accepted`);
    if (!r.ok) assert.ok(r.diagnostics.some((d) => d.message.startsWith(h.refusedAt!)), `${h.name}: ${JSON.stringify(r.diagnostics)}`);
  }
});

test(`${N} mutants of the example specs (seed ${SEED}): no internal error, no failed run, no NaN metric`, async () => {
  const rnd = prng(SEED);
  const bases = examples();
  const stats: FuzzStats = { mutants: 0, refused: 0, accepted: 0, ran: 0 };
  function* mutants(): Generator<[unknown, string]> {
    for (let i = 0; i < N; i++) yield [mutate(bases[Math.floor(rnd() * bases.length)]!, rnd), `mutant ${i} (seed ${SEED})`];
  }
  await exerciseAll(mutants(), stats);
  console.log(`fuzz: ${JSON.stringify(stats)}`);
  assert.equal(stats.mutants, N);
});
