/**
 * The hold model: a fixed population of pending events; each one, when it fires, schedules a
 * successor an exponential time later. Run three ways in one process: a bare typed-array binary
 * heap (no kernel, no allocation) as the yardstick, the kernel with callbacks, and the kernel
 * with generator processes. The ratios are the result; absolute rates depend on the machine.
 *
 * The machine is shared, so its load changes while the bench runs: the three variants are
 * timed in alternating rounds (bare, callbacks, processes, then again), each round a third of
 * the events, and each variant's best round is its rate — a ratio of two moments of different
 * load would say more about the neighbours than about the kernel.
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

export async function kernelBench(opts: { pending?: number; events?: number; rounds?: number } = {}): Promise<BenchRow[]> {
  const pending = opts.pending ?? 100_000;
  const events = opts.events ?? 10_000_000;
  const rounds = opts.rounds ?? 3;
  const perRound = Math.ceil(events / rounds);
  const mem = new PeakMemory();
  // Warm up the JIT on every variant before timing.
  bareHeapHold(pending, events / 10);
  kernelCallbackHold(pending, events / 10);
  kernelProcessHold(pending, events / 10);
  mem.sample();
  let bare = 0;
  let cb = 0;
  let proc = 0;
  for (let r = 0; r < rounds; r++) {
    bare = Math.max(bare, perRound / wallSeconds(() => bareHeapHold(pending, perRound)));
    mem.sample();
    let done = 0;
    cb = Math.max(cb, perRound / wallSeconds(() => (done = kernelCallbackHold(pending, perRound))));
    mem.sample();
    if (done < perRound) throw new Error(`kernel processed only ${done} events`);
    proc = Math.max(proc, perRound / wallSeconds(() => (done = kernelProcessHold(pending, perRound))));
    mem.sample();
    if (done < perRound) throw new Error(`kernel processed only ${done} events`);
  }
  return [
    { name: 'kernel.hold.pending', value: pending, unit: 'events' },
    { name: 'kernel.hold.events', value: rounds * perRound, unit: 'events', note: `per variant, in ${rounds} alternating rounds; best round reported` },
    { name: 'bare_heap.events_per_s', value: bare, unit: 'events/s', note: 'typed-array binary heap, no kernel, no allocation' },
    { name: 'kernel.callbacks.events_per_s', value: cb, unit: 'events/s' },
    { name: 'kernel.callbacks.ratio_to_bare_heap', value: cb / bare, unit: 'ratio', note: 'goal ≥ 0.5' },
    { name: 'kernel.processes.events_per_s', value: proc, unit: 'events/s', note: 'generator processes yielding delays' },
    { name: 'kernel.processes.ratio_to_bare_heap', value: proc / bare, unit: 'ratio', note: 'goal ≥ 0.3' },
    { name: 'kernel.peak_rss', value: mem.rss / 2 ** 20, unit: 'MiB' },
    { name: 'kernel.peak_heap', value: mem.heap / 2 ** 20, unit: 'MiB' },
  ];
}
