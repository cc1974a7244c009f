/**
 * Experiments: a name and description, a sweep over parameters (grid, zip, filter), replications
 * with common random numbers, and the topology built for each parameter point.
 *
 * Seeds: replication k of every point runs with seed `seed + k`, so two points differ only in
 * their parameters and not in their random numbers (OMNeT++'s `seed-set=${repetition}`).
 */
import { callSite, type Site } from './callsite';
import { checkBlock, type Point, type SweepBlock } from './sweep';
import { Topology } from './topology';

/** A value a sweep parameter takes. */
export type SweepValue = number | string | boolean;

/** Options of `experiment()`. */
export interface ExperimentOptions {
  /** What the experiment asks, stored with its runs. Optional. */
  description?: string;
  /** Seed of replication 0; replication k uses seed + k in every sweep point. @defaultValue 1 */
  seed?: number;
}

/** Sweep parameters: parameter name → the values it takes. */
export type Axes = Record<string, readonly SweepValue[]>;
/** The point type a set of axes produces: each parameter takes one of its values. */
export type AxisValues<A extends Axes> = { [K in keyof A]: A[K][number] };

/** Starts an experiment. Chain `.grid()`, `.zip()`, `.filter()`, `.replicate()`, then `.topology()`, and `export default` it. */
export function experiment(name: string, options: ExperimentOptions = {}): Experiment<Record<never, never>> {
  if (typeof name !== 'string' || name.length === 0) throw new Error('experiment() needs a name');
  return new Experiment(name, options, callSite());
}

/** A named set of runs: every sweep point × every replication, each a topology. */
export class Experiment<P extends Record<string, SweepValue>> {
  #name: string;
  #options: ExperimentOptions;
  #site: Site | undefined;
  #blocks: SweepBlock[] = [];
  #filters: ((p: Point) => boolean)[] = [];
  #replications = 1;
  #build: ((point: P) => Topology) | undefined;
  #buildSite: Site | undefined;

  /** @internal Use `experiment()`. */
  constructor(name: string, options: ExperimentOptions, site: Site | undefined) {
    this.#name = name;
    this.#options = { ...options };
    this.#site = site;
    if (options.seed !== undefined && (!Number.isSafeInteger(options.seed) || options.seed < 0)) throw new Error(`experiment seed must be a non-negative integer, got ${String(options.seed)}`);
  }

  #add(kind: 'grid' | 'zip', axes: Axes): void {
    const block: SweepBlock = { kind, axes: { ...axes } };
    checkBlock(block, new Set(this.#blocks.flatMap((b) => Object.keys(b.axes))));
    this.#blocks.push(block);
  }

  /** Every combination of the given parameters' values (the first parameter varies slowest). */
  grid<const A extends Axes>(axes: A): Experiment<P & AxisValues<A>> {
    this.#add('grid', axes);
    return this as unknown as Experiment<P & AxisValues<A>>;
  }

  /** The given parameters taken together: the i-th point uses the i-th value of each (all arrays the same length). */
  zip<const A extends Axes>(axes: A): Experiment<P & AxisValues<A>> {
    this.#add('zip', axes);
    return this as unknown as Experiment<P & AxisValues<A>>;
  }

  /** Drops the points for which `keep` returns false (excluded combinations). */
  filter(keep: (point: P) => boolean): this {
    if (typeof keep !== 'function') throw new Error('.filter() needs a function');
    this.#filters.push(keep as unknown as (p: Point) => boolean);
    return this;
  }

  /** Runs every point `n` times; replication k uses seed + k in every point (common random numbers). @defaultValue 1 */
  replicate(n: number): this {
    if (!Number.isSafeInteger(n) || n < 1 || n > 10_000) throw new Error(`.replicate(n): n must be an integer from 1 to 10000, got ${String(n)}`);
    this.#replications = n;
    return this;
  }

  /** The topology of each point: a function of the point, or one topology for every point. */
  topology(build: Topology | ((point: P) => Topology)): this {
    if (build instanceof Topology) this.#build = () => build;
    else if (typeof build === 'function') this.#build = build;
    else throw new Error('.topology() needs a topology() or a function of the sweep point that returns one');
    this.#buildSite = callSite();
    return this;
  }

  /** @internal Read by the sandbox's expansion. */
  describe(): ExperimentParts {
    return {
      name: this.#name,
      options: this.#options,
      site: this.#site,
      blocks: this.#blocks,
      filters: this.#filters,
      replications: this.#replications,
      build: this.#build as ((point: Point) => Topology) | undefined,
      buildSite: this.#buildSite,
    };
  }
}

/** @internal The parts of an experiment, for the expansion. */
export interface ExperimentParts {
  name: string;
  options: ExperimentOptions;
  site: Site | undefined;
  blocks: SweepBlock[];
  filters: ((p: Point) => boolean)[];
  replications: number;
  build: ((point: Point) => Topology) | undefined;
  buildSite: Site | undefined;
}
