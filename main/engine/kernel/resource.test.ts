import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment } from './environment';
import { Resource } from './resource';
import type { ProcessGenerator } from './process';

test('waiters are granted in arrival order with their waiting time, across ring wrap-arounds and growth', () => {
  const env = new Environment(1);
  const res = new Resource(env, 'link', 2);
  const rng = env.rng('arrivals');
  const granted: number[] = [];
  const arrived: { id: number; at: number }[] = [];
  let expectedWait = 0;
  // Bursts of arrivals (the queue grows to hundreds, drains, wraps) with random service times.
  function* user(id: number, service: number): ProcessGenerator<void> {
    arrived.push({ id, at: env.now });
    const queuedBefore = res.queueLength;
    const immediate = res.idle;
    yield res.request();
    if (immediate) assert.equal(queuedBefore, 0);
    granted.push(id);
    expectedWait += env.now - arrived.find((a) => a.id === id)!.at;
    yield service;
    res.release();
  }
  let id = 0;
  for (let burst = 0; burst < 12; burst++) {
    const n = rng.int(1, 400);
    const start = burst * 100_000;
    for (let i = 0; i < n; i++) {
      const myId = id++;
      env.schedule(start + rng.int(0, 2_000), () => void env.process(user(myId, rng.int(1, 300))));
    }
  }
  env.run();
  assert.equal(granted.length, id);
  // Arrival order is the order the requests were made, which `arrived` records.
  assert.deepEqual(granted, arrived.map((a) => a.id));
  assert.equal(res.waitedNs, expectedWait);
  assert.equal(res.grants, id);
  assert.equal(res.queueLength, 0);
  assert.equal(res.busy, 0);
  assert.ok(expectedWait > 0);
});
