/**
 * Random variates for workloads and service times.
 *
 * Models: exponential, uniform, normal, log-normal and empirical (weighted table) draws from a
 * kernel Rng, plus a sampler built from a spec's Distribution description.
 * Does not model: correlation between draws (each call is independent).
 */
import type { Distribution } from '../../common/spec/distribution';
import type { Rng } from './rng';

export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.float());
}

export function uniform(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng.float();
}

/** Box–Muller without caching the second value, so each draw consumes a fixed amount of the stream. */
export function normal(rng: Rng, mean: number, stddev: number): number {
  const u1 = 1 - rng.float();
  const u2 = rng.float();
  return mean + stddev * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export function lognormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(normal(rng, mu, sigma));
}

/** A discrete distribution over values with weights; draws by binary search on the cumulative weights. */
export class Empirical {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(
    private readonly values: readonly number[],
    weights: readonly number[],
  ) {
    if (values.length === 0 || values.length !== weights.length) {
      throw new RangeError('empirical distribution needs as many weights as values, and at least one');
    }
    this.cumulative = new Float64Array(values.length);
    let acc = 0;
    weights.forEach((w, i) => {
      if (!(w >= 0)) throw new RangeError(`empirical weight ${i} is not a non-negative number`);
      acc += w;
      this.cumulative[i] = acc;
    });
    if (!(acc > 0)) throw new RangeError('empirical weights sum to zero');
    this.total = acc;
  }

  sample(rng: Rng): number {
    const target = rng.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo]!;
  }

  mean(): number {
    let prev = 0;
    let sum = 0;
    this.values.forEach((v, i) => {
      const c = this.cumulative[i]!;
      sum += v * (c - prev);
      prev = c;
    });
    return sum / this.total;
  }
}

export type Sampler = () => number;

/** A sampler for a spec Distribution; the caller rounds if it needs integers. */
export function sampler(dist: Distribution, rng: Rng): Sampler {
  switch (dist.kind) {
    case 'fixed':
      return () => dist.value;
    case 'exponential':
      return () => exponential(rng, dist.mean);
    case 'uniform':
      return () => uniform(rng, dist.min, dist.max);
    case 'normal':
      return () => Math.max(0, normal(rng, dist.mean, dist.stddev));
    case 'lognormal':
      return () => lognormal(rng, dist.mu, dist.sigma);
    case 'empirical': {
      const e = new Empirical(dist.values, dist.weights);
      return () => e.sample(rng);
    }
  }
}

/** Mean of a Distribution, for sizing and offered-load reports. */
export function distributionMean(dist: Distribution): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.value;
    case 'exponential':
      return dist.mean;
    case 'uniform':
      return (dist.min + dist.max) / 2;
    case 'normal':
      return dist.mean;
    case 'lognormal':
      return Math.exp(dist.mu + (dist.sigma * dist.sigma) / 2);
    case 'empirical':
      return new Empirical(dist.values, dist.weights).mean();
  }
}
