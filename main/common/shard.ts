/**
 * Shards of a sweep: the K-th of N disjoint, deterministic slices of the expanded run list
 * (points × replications in the script's order). Run i belongs to shard (i mod N) + 1, so shards
 * stay balanced whatever the sweep's shape, and the union of all N shards is the whole sweep.
 */

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export class ShardError extends Error {}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) throw new ShardError(`--shard ${text}: expected K/N, e.g. 2/8 (the second of eight shards)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && count <= 100_000 && index >= 1 && index <= count)) throw new ShardError(`--shard ${text}: K must be between 1 and N, and N between 1 and 100000`);
  return { index, count };
}

export function selectShard<T>(runs: readonly T[], shard: Shard): T[] {
  return runs.filter((_, i) => i % shard.count === shard.index - 1);
}
