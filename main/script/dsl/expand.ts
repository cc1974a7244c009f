/**
 * Turns the script's default export into what the host validates: one plain spec per sweep
 * point with the script position of each of its parts. Replications are added by the host
 * (same spec, seed + k). Runs inside the sandbox.
 */
import type { Site } from './callsite';
import { Experiment, type SweepValue } from './experiment';
import { expandPoints, type Point } from './sweep';
import { Topology, type BuiltSpec } from './topology';

import { sweepTooLarge } from './limits';
import { SiteError } from './site-error';

export { SiteError };

export interface ExpandedPoint extends BuiltSpec {
  point: Point;
}

export interface Expansion {
  name: string;
  description?: string;
  /** Seed of replication 0 (replication k uses seed + k). */
  seed: number;
  replications: number;
  points: ExpandedPoint[];
  /** The `--set` keys that named a sweep parameter (the host applies the others). */
  usedSets: string[];
  /** Where the experiment (or the bare topology) was declared. */
  site?: Site;
}

function fromTopology(t: Topology): Expansion {
  const built = t.build();
  const seed = typeof built.spec.seed === 'number' ? built.spec.seed : 1;
  // Without a name the host names the experiment after the script file.
  const name = typeof built.spec.name === 'string' ? built.spec.name : '';
  const description = typeof built.spec.description === 'string' ? built.spec.description : undefined;
  return { name, description, seed, replications: 1, points: [{ ...built, point: {} }], usedSets: [], site: built.sites.find(([p]) => p === '')?.[1] };
}

function fromExperiment(e: Experiment<Record<string, SweepValue>>, sets: ReadonlyMap<string, SweepValue>): Expansion {
  const parts = e.describe();
  if (parts.build === undefined) throw new SiteError(`experiment "${parts.name}" has no topology: add .topology(point => topology()...)`, parts.site);
  const used = new Set<string>();
  const points = expandPoints(parts.blocks, parts.filters, sets, used);
  if (points.length === 0) throw new SiteError(`experiment "${parts.name}": no sweep point is left after the filters`, parts.site);
  const tooLarge = sweepTooLarge(points.length, parts.replications);
  if (tooLarge !== undefined) throw new SiteError(`LIMIT: ${tooLarge}`, parts.site);
  const expanded = points.map((point): ExpandedPoint => {
    const t = parts.build!(Object.freeze({ ...point }));
    if (!(t instanceof Topology)) throw new SiteError(`.topology(): the function must return a topology(), got ${t === null ? 'null' : typeof t}`, parts.buildSite);
    const built = t.build();
    const spec = { ...built.spec, name: built.spec.name ?? parts.name, description: built.spec.description ?? parts.options.description };
    if (spec.description === undefined) delete spec.description;
    return { spec, sites: built.sites, point };
  });
  const topoSeed = expanded[0]!.spec.seed;
  const seed = parts.options.seed ?? (typeof topoSeed === 'number' ? topoSeed : 1);
  return { name: parts.name, description: parts.options.description, seed, replications: parts.replications, points: expanded, usedSets: [...used].sort(), site: parts.site };
}

function size(chars: number): string {
  return chars >= 1e6 ? `${(chars / 1e6).toFixed(1)} MB` : `${(chars / 1e3).toFixed(1)} kB`;
}

/** Called by the sandbox driver with the script's default export; returns JSON text no longer than maxChars. */
export function expandForHost(exported: unknown, setsJson: string, maxChars: number): string {
  const sets = new Map(JSON.parse(setsJson) as [string, SweepValue][]);
  let out: Expansion;
  if (exported instanceof Experiment) out = fromExperiment(exported as Experiment<Record<string, SweepValue>>, sets);
  else if (exported instanceof Topology) out = fromTopology(exported);
  else throw new SiteError(`the script must \`export default\` an experiment(...) or a topology(...); its default export is ${exported === undefined ? 'missing' : typeof exported}`, undefined);
  const text = JSON.stringify(out);
  if (text.length > maxChars) throw new SiteError(`LIMIT: the script produced ${size(text.length)} of specs; the limit is ${size(maxChars)}`, out.site);
  return text;
}
