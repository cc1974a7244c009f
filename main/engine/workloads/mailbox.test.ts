// Mailbox stands in for an unbounded Store with one consumer (the NIC's completions): the same
// items at the same instants, in the same order, through the same queue entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment, Store, type ProcessGenerator } from '../kernel';
import { Mailbox } from './mailbox';
import { Fifo } from './fifo';

/** The consumer's next item, from the mailbox (taken at once, or waited for) or from the reference Store. */
function* take(useMailbox: boolean, box: Mailbox<number>, store: Store<number>): ProcessGenerator<number> {
  if (!useMailbox) return (yield store.get()) as number;
  const now = box.tryTake();
  return now !== undefined ? now : ((yield box.wait()) as number);
}

function scenario(useMailbox: boolean, seed: number): { log: string[]; events: number } {
  const env = new Environment(seed);
  const rng = env.rng('mailbox-test');
  const store = new Store<number>(env, 'ref');
  const box = new Mailbox<number>(env);
  const log: string[] = [];
  // Producers put at instants that often tie with each other and with the consumer's holds.
  for (let p = 0; p < 3; p++) {
    env.process(
      (function* (): ProcessGenerator<void> {
        for (let i = 0; i < 60; i++) {
          yield Math.floor(rng.float() * 4) * 50;
          const item = p * 1000 + i;
          if (useMailbox) box.put(item);
          else store.tryPut(item);
          log.push(`put ${item}@${env.now}`);
        }
      })(),
    );
  }
  env.process(
    (function* (): ProcessGenerator<void> {
      for (;;) {
        const item = yield* take(useMailbox, box, store);
        log.push(`take ${item}@${env.now}`);
        const hold = Math.floor(rng.float() * 3) * 50;
        if (hold > 0) yield hold;
      }
    })(),
  );
  env.run();
  return { log, events: env.events };
}

test('Mailbox gives its consumer what an unbounded Store gives it: same items, instants, order and events', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const a = scenario(true, seed);
    const b = scenario(false, seed);
    assert.deepEqual(a, b, `seed ${seed}`);
    assert.equal(a.log.filter((l) => l.startsWith('take')).length, 180);
  }
});

/** One producer putting as fast as a bounded lane lets it, one consumer holding between takes. */
function boundedScenario(useMailbox: boolean, seed: number, capacity: number): { log: string[]; events: number } {
  const env = new Environment(seed);
  const rng = env.rng('bounded-mailbox-test');
  const store = new Store<number>(env, 'ref', capacity);
  const box = new Mailbox<number>(env, capacity);
  const log: string[] = [];
  env.process(
    (function* (): ProcessGenerator<void> {
      for (let item = 0; item < 150; item++) {
        const gap = Math.floor(rng.float() * 3) * 40;
        if (gap > 0) yield gap;
        if (useMailbox) {
          if (!box.tryPut(item)) yield box.putWhenRoom(item);
        } else if (!store.tryPut(item)) {
          yield store.put(item);
        }
        log.push(`put ${item}@${env.now}`);
      }
    })(),
  );
  env.process(
    (function* (): ProcessGenerator<void> {
      for (;;) {
        const item = yield* take(useMailbox, box, store);
        log.push(`take ${item}@${env.now} len ${useMailbox ? box.length : store.length}`);
        const hold = Math.floor(rng.float() * 4) * 40;
        if (hold > 0) yield hold;
      }
    })(),
  );
  env.run();
  return { log, events: env.events };
}

test('a bounded Mailbox holds its producer back as a bounded Store does: same items, instants, order, lengths and events', () => {
  let heldBack = 0;
  for (const capacity of [1, 2, 5]) {
    for (let seed = 1; seed <= 15; seed++) {
      const a = boundedScenario(true, seed, capacity);
      const b = boundedScenario(false, seed, capacity);
      assert.deepEqual(a, b, `capacity ${capacity} seed ${seed}`);
      assert.equal(a.log.filter((l) => l.startsWith('take')).length, 150);
      if (a.log.some((l) => l.endsWith(`len ${capacity}`))) heldBack++;
    }
  }
  assert.ok(heldBack > 20, `the lane was full in only ${heldBack} scenarios`);
});

test('a bounded Mailbox refuses a put beyond its capacity and a second held-back producer', () => {
  const env = new Environment(1);
  const box = new Mailbox<number>(env, 1);
  box.put(1);
  assert.equal(box.tryPut(2), false);
  assert.throws(() => box.put(2), /full mailbox/);
  box.putWhenRoom(2);
  assert.throws(() => box.putWhenRoom(3), /one producer/);
  assert.throws(() => new Mailbox<number>(env, 0), /at least 1/);
  assert.equal(box.tryTake(), 1);
  assert.equal(box.length, 1);
  assert.equal(box.tryTake(), 2);
});

test('Mailbox refuses a second waiter and a wait with an item to take', () => {
  const env = new Environment(1);
  const box = new Mailbox<number>(env);
  box.wait();
  assert.throws(() => box.wait(), /one consumer/);
  const other = new Mailbox<number>(env);
  other.put(1);
  assert.throws(() => other.wait(), /tryTake first/);
  assert.equal(other.tryTake(), 1);
  assert.equal(other.tryTake(), undefined);
});

test('Fifo: shift, take and takeInto agree with an array across wrap-arounds and growth', () => {
  const f = new Fifo<number>();
  const ref: number[] = [];
  const out: number[] = [7, 7, 7];
  let next = 0;
  let x = 12345;
  for (let step = 0; step < 20_000; step++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const op = x % 4;
    if (op <= 1 || ref.length === 0) {
      for (let i = 0; i <= (x >>> 8) % 3; i++) {
        f.push(next);
        ref.push(next++);
      }
    } else if (op === 2) {
      assert.equal(f.shift(), ref.shift());
    } else {
      const n = 1 + ((x >>> 8) % Math.min(3, ref.length));
      if ((x >>> 12) % 2 === 0) assert.deepEqual(f.take(n), ref.splice(0, n));
      else {
        f.takeInto(out, n);
        assert.deepEqual(out, ref.splice(0, n));
      }
    }
    assert.equal(f.length, ref.length);
  }
  assert.ok(next > 10_000);
});
