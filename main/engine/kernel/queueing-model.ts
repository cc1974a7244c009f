/**
 * An M/M/c queue built from kernel pieces (Poisson arrivals, exponential service, a Resource
 * of capacity c): the model the kernel is validated against (Erlang C), and a reusable
 * workload for the benchmark. Waiting times are collected per customer with batch means so a
 * caller can state the confidence of the estimate.
 */
import { Environment } from './environment';
import { exponential } from './distributions';
import { Resource } from './resource';
import type { ProcessGenerator } from './process';

export interface MmcResult {
  customers: number;
  meanWaitNs: number;
  /** Half-width of a 95 % confidence interval on the mean wait, from batch means. */
  ci95Ns: number;
  utilisation: number;
  events: number;
}

/**
 * Runs `customers` arrivals (after `warmup` discarded ones) through an M/M/c queue with mean
 * inter-arrival `arrivalNs` and mean service `serviceNs`.
 */
export function simulateMmc(opts: { servers: number; arrivalNs: number; serviceNs: number; customers: number; warmup: number; seed: number; batches?: number }): MmcResult {
  const env = new Environment(opts.seed);
  const server = new Resource(env, 'server', opts.servers);
  const arrivals = env.rng('arrivals');
  const services = env.rng('services');
  const total = opts.customers + opts.warmup;
  const batches = opts.batches ?? 50;
  const perBatch = Math.floor(opts.customers / batches);
  const batchSums = new Float64Array(batches);
  let measured = 0;
  let sum = 0;

  function* customer(index: number): ProcessGenerator<void> {
    const arrived = env.now;
    yield server.request();
    const wait = env.now - arrived;
    if (index >= opts.warmup) {
      const k = index - opts.warmup;
      sum += wait;
      measured++;
      const b = Math.floor(k / perBatch);
      if (b < batches) batchSums[b]! += wait;
    }
    yield Math.round(exponential(services, opts.serviceNs));
    server.release();
  }

  env.process(
    (function* (): ProcessGenerator<void> {
      for (let i = 0; i < total; i++) {
        env.process(customer(i), 'customer');
        yield Math.round(exponential(arrivals, opts.arrivalNs));
      }
    })(),
    'source',
  );
  env.run();
  const means = Array.from(batchSums, (s) => s / perBatch);
  const grand = means.reduce((a, b) => a + b, 0) / batches;
  const variance = means.reduce((a, m) => a + (m - grand) ** 2, 0) / (batches - 1);
  // t(0.975, 49) ≈ 2.01
  const ci95Ns = 2.01 * Math.sqrt(variance / batches);
  return { customers: measured, meanWaitNs: sum / measured, ci95Ns, utilisation: server.utilisation(), events: env.events };
}

/** Erlang C: mean waiting time in queue for M/M/c. */
export function erlangCWait(servers: number, arrivalNs: number, serviceNs: number): number {
  const lambda = 1 / arrivalNs;
  const mu = 1 / serviceNs;
  const a = lambda / mu;
  const rho = a / servers;
  if (rho >= 1) return Infinity;
  let sum = 0;
  let term = 1;
  for (let k = 0; k < servers; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const last = (term * a) / servers / (1 - rho);
  const pWait = last / (sum + last);
  return pWait / (servers * mu - lambda);
}
