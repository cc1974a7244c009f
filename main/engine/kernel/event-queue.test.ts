import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from './event-queue';
import { Rng } from './rng';

test('pops in (time, priority, insertion) order', () => {
  const q = new EventQueue<string>(2);
  q.push(5, 1, 'c');
  q.push(5, 0, 'b');
  q.push(1, 9, 'a');
  q.push(5, 1, 'd');
  q.push(7, 0, 'e');
  const out: string[] = [];
  while (q.size > 0) out.push(q.pop());
  assert.deepEqual(out, ['a', 'b', 'c', 'd', 'e']);
});

test('matches a stable sort on 5,000 random keys, with growth and interleaved pops', () => {
  const rng = new Rng(7, 'eq');
  const q = new EventQueue<number>(4);
  const ref: { t: number; p: number; s: number }[] = [];
  let seq = 0;
  const popped: number[] = [];
  const expected: number[] = [];
  for (let i = 0; i < 5_000; i++) {
    const t = rng.int(0, 500);
    const p = rng.int(0, 3);
    q.push(t, p, seq);
    ref.push({ t, p, s: seq++ });
    if (i % 3 === 2) {
      ref.sort((a, b) => a.t - b.t || a.p - b.p || a.s - b.s);
      expected.push(ref.shift()!.s);
      popped.push(q.pop());
    }
  }
  ref.sort((a, b) => a.t - b.t || a.p - b.p || a.s - b.s);
  while (q.size) popped.push(q.pop());
  expected.push(...ref.map((r) => r.s));
  assert.deepEqual(popped, expected);
});

test('pop on an empty queue throws', () => {
  assert.throws(() => new EventQueue().pop(), /empty/);
  assert.equal(new EventQueue().peekTime(), Infinity);
});
