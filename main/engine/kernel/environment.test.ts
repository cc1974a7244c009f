import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment, Resource, Store, type ProcessGenerator } from './index';

test('processes hold, wait on events and return values', () => {
  const env = new Environment(1);
  const log: string[] = [];
  const ev = env.event<number>();
  const child = env.process(
    (function* (): ProcessGenerator<string> {
      yield 10;
      log.push(`child at ${env.now}`);
      const v = (yield ev) as number;
      log.push(`child got ${v} at ${env.now}`);
      return 'done';
    })(),
  );
  env.process(
    (function* (): ProcessGenerator<void> {
      yield 25;
      ev.succeed(42);
      const r = (yield child) as string;
      log.push(`parent got ${r} at ${env.now}`);
    })(),
  );
  env.run();
  assert.deepEqual(log, ['child at 10', 'child got 42 at 25', 'parent got done at 25']);
  assert.equal(env.now, 25);
});

test('an event cannot be triggered twice, and has no value before it is triggered', () => {
  const env = new Environment(1);
  const ev = env.event<number>();
  assert.throws(() => ev.value, /not been triggered/);
  ev.succeed(1);
  assert.throws(() => ev.succeed(2), /twice/);
  assert.throws(() => ev.fail(new Error('x')), /twice/);
});

test('delays must be non-negative integers', () => {
  const env = new Environment(1);
  assert.throws(() => env.schedule(1.5, () => {}), /integer/);
  assert.throws(() => env.schedule(-1, () => {}), /non-negative/);
  assert.throws(() => env.schedule(NaN, () => {}), /integer/);
  assert.throws(() => env.schedule(2 ** 33 + 0.5, () => {}), /integer/);
  assert.throws(() => env.schedule(Infinity, () => {}), /integer/);
  assert.throws(() => env.schedule(1, () => {}, 1.5), /priority/);
  assert.throws(() => env.schedule(1, () => {}, -1), /priority/);
  env.schedule(2 ** 33, () => {}); // long delays are fine
  const bad = env.process(
    (function* (): ProcessGenerator<void> {
      yield 0.5;
    })(),
  );
  assert.throws(() => env.run(), /integer/);
  void bad;
});

test('a process yielding something else fails loudly', () => {
  const env = new Environment(1);
  env.process((function* () {
    yield 'soon' as unknown as number;
  })(), 'bad');
  assert.throws(() => env.run(), /yielded soon/);
});

test('a failed event is thrown into the waiting process, and crashes the run when nobody waits', () => {
  const env = new Environment(1);
  const ev = env.event();
  let caught: unknown;
  env.process(
    (function* (): ProcessGenerator<void> {
      try {
        yield ev;
      } catch (e) {
        caught = e;
      }
    })(),
  );
  env.schedule(5, () => ev.fail(new Error('boom')));
  env.run();
  assert.equal((caught as Error).message, 'boom');

  const env2 = new Environment(1);
  env2.schedule(1, () => env2.event().fail(new Error('unhandled')));
  assert.throws(() => env2.run(), /unhandled/);
});

test('allOf waits for every event and keeps their order', () => {
  const env = new Environment(1);
  const a = env.timeout(30, 'a');
  const b = env.timeout(10, 'b');
  let got: unknown;
  env.process(
    (function* (): ProcessGenerator<void> {
      got = yield env.allOf([a, b]);
    })(),
  );
  env.run();
  assert.deepEqual(got, ['a', 'b']);
  assert.equal(env.now, 30);
});

test('run(until) stops at the horizon and advances time to it', () => {
  const env = new Environment(1);
  let fired = 0;
  env.schedule(100, () => fired++);
  env.schedule(300, () => fired++);
  env.run(200);
  assert.equal(fired, 1);
  assert.equal(env.now, 200);
  env.run();
  assert.equal(fired, 2);
});

test('same-time events run in priority, then insertion order', () => {
  const env = new Environment(1);
  const order: string[] = [];
  env.schedule(5, () => order.push('normal-1'), 1);
  env.schedule(5, () => order.push('low'), 2);
  env.schedule(5, () => order.push('urgent'), 0);
  env.schedule(5, () => order.push('normal-2'), 1);
  env.run();
  assert.deepEqual(order, ['urgent', 'normal-1', 'normal-2', 'low']);
});

test('a resource serves requests FIFO up to its capacity and accounts busy time', () => {
  const env = new Environment(1);
  const res = new Resource(env, 'vmm', 2);
  const starts: [number, number][] = [];
  for (let i = 0; i < 5; i++) {
    env.process(
      (function* (): ProcessGenerator<void> {
        yield i; // arrive at t = i
        yield res.request();
        starts.push([i, env.now]);
        yield 10;
        res.release();
      })(),
    );
  }
  env.run();
  assert.deepEqual(starts, [
    [0, 0],
    [1, 1],
    [2, 10],
    [3, 11],
    [4, 20],
  ]);
  assert.equal(res.busyNs(), 50);
  assert.equal(env.now, 30);
  assert.equal(res.waitedNs, 8 + 8 + 16);
  assert.throws(() => res.release(), /without a matching request/);
});

test('a store hands items over in order and blocks getters while empty and putters while full', () => {
  const env = new Environment(1);
  const s = new Store<number>(env, 'ring', 2);
  const got: [number, number][] = [];
  env.process(
    (function* (): ProcessGenerator<void> {
      for (let i = 0; i < 4; i++) {
        yield s.put(i);
      }
    })(),
  );
  env.process(
    (function* (): ProcessGenerator<void> {
      yield 100;
      for (let i = 0; i < 4; i++) got.push([(yield s.get()) as number, env.now]);
    })(),
  );
  env.run();
  assert.deepEqual(got.map((g) => g[0]), [0, 1, 2, 3]);
  assert.equal(s.tryPut(9), true);
  assert.equal(s.tryPut(10), true);
  assert.equal(s.tryPut(11), false);
});

test('named random streams are reproducible and independent of each other', () => {
  const a1 = new Environment(5).rng('nic0');
  const a2 = new Environment(5).rng('nic0');
  const envB = new Environment(5);
  envB.rng('other').float();
  const b = envB.rng('nic0');
  const seqA = Array.from({ length: 5 }, () => a1.float());
  assert.deepEqual(Array.from({ length: 5 }, () => a2.float()), seqA);
  assert.deepEqual(Array.from({ length: 5 }, () => b.float()), seqA);
  const c = new Environment(6).rng('nic0');
  assert.notDeepEqual(Array.from({ length: 5 }, () => c.float()), seqA);
});

test('run polls after every `interval` entries, at the entry that ends each interval, and stop() ends it after the current entry', () => {
  const env = new Environment(1);
  const polledAt: number[] = [];
  let fired = 0;
  const tick = (): void => {
    fired++;
    if (fired === 950) env.stop();
    env.schedule(1, tick);
  };
  env.schedule(1, tick);
  env.run(Infinity, () => void polledAt.push(env.events), 100);
  assert.deepEqual(polledAt, [100, 200, 300, 400, 500, 600, 700, 800, 900]);
  assert.equal(fired, 950);
  assert.equal(env.now, 950);
  // A later run goes on from there, its countdown started anew.
  polledAt.length = 0;
  env.run(1200, () => void polledAt.push(env.events), 100);
  assert.deepEqual(polledAt, [1050, 1150]);
  assert.equal(env.now, 1200);
});
