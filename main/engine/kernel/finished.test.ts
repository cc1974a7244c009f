import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment } from './environment';
import { continueWith, DONE, DONE_FALSE, DONE_TRUE, finished, holdThen } from './finished';
import type { ProcessGenerator } from './process';
import type { SimEvent } from './event';

test('a finished generator returns its value to yield* at once, every time, and rethrows what is thrown in', () => {
  function* caller(): ProcessGenerator<unknown[]> {
    const out: unknown[] = [];
    out.push(yield* DONE, yield* DONE_TRUE, yield* DONE_FALSE, yield* finished(42), yield* DONE_TRUE);
    return out;
  }
  const g = caller();
  const r = g.next();
  assert.deepEqual(r, { done: true, value: [undefined, true, false, 42, true] });
  assert.throws(() => DONE.throw(new Error('boom')), /boom/);
  assert.deepEqual(DONE_TRUE.next(), { done: true, value: true });
});

test('holdThen holds then returns; continueWith is yield* by hand: same holds, values and errors in the same order', () => {
  // An inner generator that waits on events (values sent down), holds, catches one error and returns.
  function* inner(env: Environment, ev: SimEvent<number>[], log: string[]): ProcessGenerator<number> {
    yield 5;
    const a = (yield ev[0]!) as number;
    log.push(`a=${a}@${env.now}`);
    try {
      yield ev[1]!;
    } catch (e) {
      log.push(`caught ${(e as Error).message}@${env.now}`);
    }
    yield* holdThen(7, undefined);
    return a + env.now;
  }
  function runWith(useContinue: boolean): string[] {
    const env = new Environment(1);
    const log: string[] = [];
    const ev = [env.event<number>(), env.event<number>()];
    env.schedule(3, () => ev[0]!.succeed(10));
    env.schedule(20, () => ev[1]!.fail(new Error('late')));
    env.process(
      (function* outer(): ProcessGenerator<void> {
        let v: string;
        if (useContinue) {
          const g = inner(env, ev, log);
          const first = g.next();
          v = yield* continueWith(g, first, (x) => `done ${x}`);
        } else {
          v = `done ${yield* inner(env, ev, log)}`;
        }
        log.push(`${v}@${env.now}`);
      })(),
    );
    env.run();
    log.push(`events ${env.events}`);
    return log;
  }
  const plain = runWith(false);
  assert.deepEqual(plain, ['a=10@5', 'caught late@20', 'done 37@27', `events ${plain.at(-1)!.split(' ')[1]}`]);
  assert.deepEqual(runWith(true), plain);
});
