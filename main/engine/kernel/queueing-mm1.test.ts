// The kernel against queueing theory: an M/M/1 queue built from a Resource must give the
// analytical mean wait (ρ/(μ−λ)) within 3 %. The 95 % confidence half-width from batch means is
// asserted below 2 %, so passing is evidence, not luck of the seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erlangCWait, simulateMmc } from './queueing-model';

const SERVICE_NS = 1_000_000;

for (const [rho, customers] of [
  [0.5, 500_000],
  [0.9, 5_000_000],
] as const) {
  test(`M/M/1 at utilisation ${rho}: mean wait within 3 % of ρ/(μ−λ)`, () => {
    const arrivalNs = SERVICE_NS / rho;
    const r = simulateMmc({ servers: 1, arrivalNs, serviceNs: SERVICE_NS, customers, warmup: 20_000, seed: 2024 });
    const exact = erlangCWait(1, arrivalNs, SERVICE_NS);
    assert.equal(Math.round(exact), Math.round((rho / (1 / SERVICE_NS - rho / SERVICE_NS)) * 1), 'Erlang C with c = 1 is the M/M/1 formula');
    const err = Math.abs(r.meanWaitNs / exact - 1);
    assert.ok(r.ci95Ns / exact < 0.02, `confidence half-width ${((r.ci95Ns / exact) * 100).toFixed(2)} % is too wide for a 3 % claim`);
    assert.ok(err < 0.03, `simulated ${r.meanWaitNs.toFixed(0)} ns vs analytical ${exact.toFixed(0)} ns (${(err * 100).toFixed(2)} %)`);
    assert.ok(Math.abs(r.utilisation - rho) < 0.01, `utilisation ${r.utilisation}`);
  });
}
