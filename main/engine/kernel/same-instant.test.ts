/**
 * The kernel's same-instant contract (environment.ts): synchronous grants, merged delays, and
 * a randomized check that merging delays never changes what happens when.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment, Resource, Store, type ProcessGenerator, type SimEvent } from './index';

test('a free resource is granted in the same step, before an event already queued for that instant', () => {
  const env = new Environment(1);
  const res = new Resource(env, 'vcpu', 1);
  const ev = env.event<void>();
  const log: string[] = [];
  env.process(
    (function* (): ProcessGenerator<void> {
      yield ev;
      log.push(`waiter woke at ${env.now}`);
    })(),
  );
  env.process(
    (function* (): ProcessGenerator<void> {
      yield 5;
      ev.succeed();
      yield res.request();
      log.push(`granted at ${env.now}`);
      res.release();
    })(),
  );
  env.run();
  assert.deepEqual(log, ['granted at 5', 'waiter woke at 5']);
  // A grant that has to wait still goes through the queue, in arrival order.
  assert.equal(res.grants, 1);
});

test('an item already in a store is taken synchronously', () => {
  const env = new Environment(1);
  const s = new Store<string>(env, 'ring');
  s.tryPut('a');
  let got: unknown;
  env.process(
    (function* (): ProcessGenerator<void> {
      got = yield s.get();
    })(),
  );
  env.run();
  assert.equal(got, 'a');
  assert.equal(env.events, 2, 'the process start and completion, no event for the get');
});

test('a lone process merges its delays: no event per hold, the same clock', () => {
  const env = new Environment(1);
  const times: number[] = [];
  env.process(
    (function* (): ProcessGenerator<void> {
      for (let i = 0; i < 1000; i++) {
        yield 10;
        times.push(env.now);
      }
    })(),
  );
  env.run();
  assert.equal(env.now, 10_000);
  assert.deepEqual(times.slice(0, 3), [10, 20, 30]);
  assert.equal(env.events, 2, 'its start and its completion');
});

test('merged delays stop at the run horizon and resume on the next run', () => {
  const env = new Environment(1);
  const times: number[] = [];
  env.process(
    (function* (): ProcessGenerator<void> {
      for (let i = 0; i < 10; i++) {
        yield 100;
        times.push(env.now);
      }
    })(),
  );
  env.run(450);
  assert.deepEqual(times, [100, 200, 300, 400]);
  assert.equal(env.now, 450);
  env.run();
  assert.equal(times.length, 10);
  assert.equal(times[9], 1000);
});

test('a process holding forever is still polled every interval, so a run can be cancelled', () => {
  const env = new Environment(1);
  env.process(
    (function* (): ProcessGenerator<void> {
      for (;;) yield 1;
    })(),
  );
  let polls = 0;
  env.run(Infinity, () => ++polls < 5, 100);
  assert.equal(polls, 5);
  assert.ok(env.now >= 400 && env.now <= 500, `stopped at ${env.now}`);
});

/**
 * A random model: processes holding, sharing two resources and a store, triggering and awaiting
 * events. `inPlace` writes the holds and grants as hot-path model code does (env.advance,
 * tryAcquire) instead of yielding them.
 */
let heldInPlace = 0;

function randomModel(env: Environment, seed: number, inPlace = false): string[] {
  const log: string[] = [];
  const rng = env.rng(`model${seed}`);
  const cpu = new Resource(env, 'cpu', 1);
  const engines = new Resource(env, 'engines', 2);
  const ring = new Store<number>(env, 'ring', 3);
  const signals: SimEvent<number>[] = Array.from({ length: 8 }, () => env.event<number>());
  const delay = (): number => [0, 0, 1, 5, 10, 100][Math.floor(rng.float() * 6)]!;
  for (let p = 0; p < 6; p++) {
    env.process(
      (function* (): ProcessGenerator<void> {
        for (let step = 0; step < 60; step++) {
          const r = rng.float();
          if (r < 0.35) {
            const d = delay();
            if (inPlace && env.advance(d)) heldInPlace++;
            else yield d;
          } else if (r < 0.55) {
            const res = rng.float() < 0.5 ? cpu : engines;
            if (!inPlace || !res.tryAcquire()) yield res.request();
            log.push(`${env.now} p${p} got ${res.name}`);
            const d1 = delay();
            if (!inPlace || !env.advance(d1)) yield d1;
            const d2 = delay();
            if (!inPlace || !env.advance(d2)) yield d2;
            res.release();
          } else if (r < 0.7) {
            yield ring.put(p * 100 + step);
          } else if (r < 0.85) {
            if (ring.length > 0) log.push(`${env.now} p${p} took ${String(yield ring.get())}`);
          } else {
            const s = signals[Math.floor(rng.float() * signals.length)]!;
            if (!s.triggered) s.succeed(p);
            else if (!s.processed) log.push(`${env.now} p${p} saw ${String(yield s)}`);
          }
          log.push(`${env.now} p${p} step ${step}`);
        }
      })(),
    );
  }
  env.run();
  return log;
}

test('merging delays never changes what happens when (20 random models)', () => {
  let mergedEvents = 0;
  let queuedEvents = 0;
  for (let seed = 0; seed < 20; seed++) {
    const merged = new Environment(seed);
    const queued = new Environment(seed, { mergeDelays: false });
    assert.deepEqual(randomModel(merged, seed), randomModel(queued, seed), `seed ${seed}`);
    assert.equal(merged.now, queued.now);
    mergedEvents += merged.events;
    queuedEvents += queued.events;
  }
  assert.ok(mergedEvents < queuedEvents, `${mergedEvents} merged vs ${queuedEvents} queued events`);
});

test('holding in place (env.advance) and taking a free resource without yielding (tryAcquire) change nothing, not even the event count', () => {
  for (let seed = 0; seed < 20; seed++) {
    const yielded = new Environment(seed);
    const inPlace = new Environment(seed);
    assert.deepEqual(randomModel(inPlace, seed, true), randomModel(yielded, seed), `seed ${seed}`);
    assert.equal(inPlace.now, yielded.now);
    assert.equal(inPlace.events, yielded.events, `seed ${seed}: events`);
  }
  assert.ok(heldInPlace > 100, `only ${heldInPlace} holds were taken in place`);
  // Outside a process (no generator running), nothing is held in place.
  const env = new Environment(1);
  assert.equal(env.advance(10), false);
});
