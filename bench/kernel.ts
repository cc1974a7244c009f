/**
 * The hold model: a fixed population of pending events; each one, when it fires, schedules a
 * successor an exponential time later. Run five ways in one process: a bare typed-array binary
 * heap (no kernel, no allocation) as the yardstick, the kernel with callbacks, the kernel with
 * generator processes, the floor for any generator-based kernel — the bare heap whose payloads
 * are generators resumed once per event (no kernel at all) — and the bare heap keeping the
 * kernel's ordering contract (equal times in insertion order), which the yardstick does not.
 *
 * Times are integer ns, so at 10,000 and 100,000 pending (all within a few µs) most times are
 * shared by dozens of entries: the yardstick stops a sift at the first equal time, a heap that
 * keeps insertion order sifts past every equal one, comparing sequence numbers too. The stable
 * row is what that contract costs by itself.
 *
 * Populations of 1,000, 10,000 and 100,000 pending events: real runs keep 0–6 pending, so the
 * small population measures the per-event cost a run pays; the large one is dominated by cache
 * misses on 100,000 distinct generator objects (tens of MiB, past the caches), which the floor
 * row shows no kernel can avoid.
 *
 * The machine is shared, so its load changes while the bench runs: the variants are timed in
 * alternating rounds (bare, callbacks, processes, floor, then again), each round a third of the
 * events, and each variant's best round is its rate — a ratio of two moments of different load
 * would say more about the neighbours than about the kernel.
 */
import { Environment } from '../main/engine/kernel/environment';
import { exponential } from '../main/engine/kernel/distributions';
import { Rng } from '../main/engine/kernel/rng';
import type { ProcessGenerator } from '../main/engine/kernel/process';
import { PeakMemory, wallSeconds, type BenchRow } from './types';

const MEAN_NS = 1000;

/** A binary heap of times in a Float64Array: pop the minimum, push its successor. */
function bareHeapHold(pending: number, events: number): number {
  const heap = new Float64Array(pending);
  const rng = new Rng(1, 'bench');
  for (let i = 0; i < pending; i++) {
    let j = i;
    const t = Math.round(exponential(rng, MEAN_NS));
    while (j > 0) {
      const p = (j - 1) >> 1;
      if (heap[p]! <= t) break;
      heap[j] = heap[p]!;
      j = p;
    }
    heap[j] = t;
  }
  let checksum = 0;
  for (let e = 0; e < events; e++) {
    const now = heap[0]!;
    checksum += now;
    // Replace the root with its successor and sift down.
    const t = now + Math.round(exponential(rng, MEAN_NS));
    let i = 0;
    const n = pending;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && heap[c + 1]! < heap[c]!) c++;
      if (t <= heap[c]!) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = t;
  }
  return checksum;
}

/** The bare heap with the kernel's tie-break: equal times leave in insertion order (a sequence number per entry). */
function stableHeapHold(pending: number, events: number): number {
  const heap = new Float64Array(pending);
  const seqs = new Float64Array(pending);
  const rng = new Rng(1, 'bench');
  let seq = 0;
  for (let i = 0; i < pending; i++) {
    let j = i;
    const t = Math.round(exponential(rng, MEAN_NS));
    const s = seq++;
    while (j > 0) {
      const p = (j - 1) >> 1;
      if (heap[p]! < t || (heap[p] === t && seqs[p]! < s)) break;
      heap[j] = heap[p]!;
      seqs[j] = seqs[p]!;
      j = p;
    }
    heap[j] = t;
    seqs[j] = s;
  }
  let checksum = 0;
  for (let e = 0; e < events; e++) {
    const now = heap[0]!;
    checksum += now;
    const t = now + Math.round(exponential(rng, MEAN_NS));
    const s = seq++;
    let i = 0;
    const n = pending;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (heap[c + 1]! < heap[c]! || (heap[c + 1] === heap[c] && seqs[c + 1]! < seqs[c]!))) c++;
      if (t < heap[c]! || (t === heap[c] && s < seqs[c]!)) break;
      heap[i] = heap[c]!;
      seqs[i] = seqs[c]!;
      i = c;
    }
    heap[i] = t;
    seqs[i] = s;
  }
  return checksum;
}

/** The bare heap again, with a generator per pending entry resumed for each event's delay: V8's cost of generators alone. */
function generatorFloorHold(pending: number, events: number): number {
  const heap = new Float64Array(pending);
  const gens = new Array<Generator<number, void, unknown>>(pending);
  const rng = new Rng(1, 'bench');
  function* holder(): Generator<number, void, unknown> {
    for (;;) yield Math.round(exponential(rng, MEAN_NS));
  }
  for (let i = 0; i < pending; i++) {
    let j = i;
    const g = holder();
    const t = g.next().value as number;
    while (j > 0) {
      const p = (j - 1) >> 1;
      if (heap[p]! <= t) break;
      heap[j] = heap[p]!;
      gens[j] = gens[p]!;
      j = p;
    }
    heap[j] = t;
    gens[j] = g;
  }
  let checksum = 0;
  for (let e = 0; e < events; e++) {
    const now = heap[0]!;
    const g = gens[0]!;
    checksum += now;
    const t = now + (g.next().value as number);
    let i = 0;
    const n = pending;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && heap[c + 1]! < heap[c]!) c++;
      if (t <= heap[c]!) break;
      heap[i] = heap[c]!;
      gens[i] = gens[c]!;
      i = c;
    }
    heap[i] = t;
    gens[i] = g;
  }
  return checksum;
}

/** Runs the environment for about `events` events (checked every 4096). */
function runEvents(env: Environment, events: number): number {
  let budget = events;
  env.run(Infinity, () => (budget -= 4096) > 0, 4096);
  return env.events;
}

function kernelCallbackHold(pending: number, events: number): number {
  const env = new Environment(1);
  const rng = env.rng('bench');
  const fire = (): void => env.schedule(Math.round(exponential(rng, MEAN_NS)), fire);
  for (let i = 0; i < pending; i++) env.schedule(Math.round(exponential(rng, MEAN_NS)), fire);
  return runEvents(env, events);
}

function kernelProcessHold(pending: number, events: number): number {
  const env = new Environment(1);
  const rng = env.rng('bench');
  function* holder(): ProcessGenerator<void> {
    for (;;) yield Math.round(exponential(rng, MEAN_NS));
  }
  for (let i = 0; i < pending; i++) env.process(holder(), 'holder');
  return runEvents(env, events);
}

interface HoldRates {
  bare: number;
  stable: number;
  cb: number;
  proc: number;
  floor: number;
}

function holdRates(pending: number, events: number, rounds: number, mem: PeakMemory): HoldRates {
  const perRound = Math.ceil(events / rounds);
  // Warm up the JIT on every variant before timing.
  // The same times pop in the same order either way (only equal ones leave in another order), so the sums agree.
  if (bareHeapHold(pending, perRound / 4) !== stableHeapHold(pending, perRound / 4)) throw new Error('the stable heap popped other times than the bare heap');
  kernelCallbackHold(pending, perRound / 4);
  kernelProcessHold(pending, perRound / 4);
  generatorFloorHold(pending, perRound / 4);
  const r: HoldRates = { bare: 0, stable: 0, cb: 0, proc: 0, floor: 0 };
  for (let k = 0; k < rounds; k++) {
    r.bare = Math.max(r.bare, perRound / wallSeconds(() => bareHeapHold(pending, perRound)));
    let done = 0;
    r.cb = Math.max(r.cb, perRound / wallSeconds(() => (done = kernelCallbackHold(pending, perRound))));
    if (done < perRound) throw new Error(`kernel processed only ${done} events`);
    r.proc = Math.max(r.proc, perRound / wallSeconds(() => (done = kernelProcessHold(pending, perRound))));
    if (done < perRound) throw new Error(`kernel processed only ${done} events`);
    r.floor = Math.max(r.floor, perRound / wallSeconds(() => generatorFloorHold(pending, perRound)));
    r.stable = Math.max(r.stable, perRound / wallSeconds(() => stableHeapHold(pending, perRound)));
    mem.sample();
  }
  return r;
}

export async function kernelBench(opts: { populations?: number[]; events?: number; rounds?: number } = {}): Promise<BenchRow[]> {
  const populations = opts.populations ?? [1_000, 10_000, 100_000];
  const events = opts.events ?? 3_000_000;
  const rounds = opts.rounds ?? 3;
  const mem = new PeakMemory();
  const rows: BenchRow[] = [{ name: 'kernel.hold.events', value: rounds * Math.ceil(events / rounds), unit: 'events', note: `per variant and population, in ${rounds} alternating rounds; best round reported` }];
  for (const pending of populations) {
    const r = holdRates(pending, events, rounds, mem);
    const at = `kernel.hold_${pending >= 1000 ? `${pending / 1000}k` : pending}`;
    rows.push(
      { name: `${at}.bare_heap.events_per_s`, value: r.bare, unit: 'events/s', note: 'typed-array binary heap, no kernel, no allocation' },
      { name: `${at}.callbacks.events_per_s`, value: r.cb, unit: 'events/s' },
      { name: `${at}.callbacks.ratio_to_bare_heap`, value: r.cb / r.bare, unit: 'ratio', note: 'goal ≥ 0.5' },
      { name: `${at}.processes.events_per_s`, value: r.proc, unit: 'events/s', note: 'generator processes yielding delays' },
      { name: `${at}.processes.ratio_to_bare_heap`, value: r.proc / r.bare, unit: 'ratio', note: 'goal ≥ 0.3' },
      { name: `${at}.generator_floor.ratio_to_bare_heap`, value: r.floor / r.bare, unit: 'ratio', note: 'bare heap resuming a generator per event: no kernel' },
      { name: `${at}.processes.ratio_to_generator_floor`, value: r.proc / r.floor, unit: 'ratio', note: 'the kernel\'s own share' },
      { name: `${at}.stable_heap.ratio_to_bare_heap`, value: r.stable / r.bare, unit: 'ratio', note: 'the bare heap keeping equal times in insertion order, as the kernel must: what that order costs alone' },
      { name: `${at}.callbacks.ratio_to_stable_heap`, value: r.cb / r.stable, unit: 'ratio', note: 'callbacks against a heap with the same ordering contract' },
    );
  }
  rows.push({ name: 'kernel.peak_rss', value: mem.rss / 2 ** 20, unit: 'MiB' }, { name: 'kernel.peak_heap', value: mem.heap / 2 ** 20, unit: 'MiB' });
  return rows;
}
