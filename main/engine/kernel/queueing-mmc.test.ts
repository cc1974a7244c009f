// The kernel against queueing theory: an M/M/c queue (c = 4) built from a Resource of capacity 4
// must give the Erlang-C mean wait within 3 %; the batch-means 95 % half-width is asserted below 2 %.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erlangCWait, simulateMmc } from './queueing-model';

const SERVICE_NS = 1_000_000;
const SERVERS = 4;

test('Erlang C matches a hand-computed value (c = 2, a = 1: P(wait) = 1/3, Wq = 1/3 of a service time)', () => {
  assert.ok(Math.abs(erlangCWait(2, 1000, 1000) - 1000 / 3) < 1e-9);
});

for (const [rho, customers] of [
  [0.5, 2_000_000],
  [0.9, 5_500_000],
] as const) {
  test(`M/M/${SERVERS} at utilisation ${rho}: mean wait within 3 % of Erlang C`, () => {
    const arrivalNs = SERVICE_NS / (rho * SERVERS);
    const r = simulateMmc({ servers: SERVERS, arrivalNs, serviceNs: SERVICE_NS, customers, warmup: 20_000, seed: 2024 });
    const exact = erlangCWait(SERVERS, arrivalNs, SERVICE_NS);
    const err = Math.abs(r.meanWaitNs / exact - 1);
    assert.ok(r.ci95Ns / exact < 0.02, `confidence half-width ${((r.ci95Ns / exact) * 100).toFixed(2)} % is too wide for a 3 % claim`);
    assert.ok(err < 0.03, `simulated ${r.meanWaitNs.toFixed(0)} ns vs Erlang C ${exact.toFixed(0)} ns (${(err * 100).toFixed(2)} %)`);
    assert.ok(Math.abs(r.utilisation - rho) < 0.01, `utilisation ${r.utilisation}`);
  });
}
