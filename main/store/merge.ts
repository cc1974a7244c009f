/**
 * Merging stores: the shards of a sweep (or any other stores) into one. A run is identified as
 * the design says — experiment, configuration hash (spec with its point, replication and seed,
 * resolved profile, engine version) — and its result by the SHA-256 of its canonical JSON:
 *
 * - a finished run OUT lacks is copied with its scalars, histograms and series;
 * - an identical finished twin (same result hash) is kept once, so merging a shard twice changes
 *   nothing;
 * - a conflicting twin (same configuration, different result) refuses the whole merge;
 * - runs of another engine version are refused unless the caller allows them;
 * - runs that did not finish (failed, cancelled, interrupted) are copied only where OUT has
 *   neither a finished twin nor the same outcome already.
 *
 * Atomic: everything happens in one transaction on OUT; a refusal or an error leaves OUT as it was.
 * Shards are read from private read-only snapshots (LabStore read-only), never written.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, type RunResult } from '../common/result';
import { StoreError } from '../common/store-errors';
import { LabStore } from './store';

export interface MergeOptions {
  /** Accept runs recorded by another engine version than `engineVersion`. */
  allowOtherEngineVersion?: boolean;
  /** The engine version OUT is merged for (this build's). */
  engineVersion: string;
}

export interface MergeReport {
  copied: number;
  identical: number;
  unfinishedCopied: number;
  unfinishedSkipped: number;
}

export class MergeConflictError extends StoreError {}

interface ShardRun {
  id: number;
  experiment: string;
  description: string | null;
  source: string | null;
  experimentCreatedAt: string;
  configHash: string;
  status: string;
  row: Record<string, unknown>;
}

export function resultHash(result: RunResult): string {
  return createHash('sha256').update(canonicalJson(result)).digest('hex');
}

const RUN_FIELDS = ['config_hash', 'name', 'spec_json', 'profile_json', 'seed', 'engine_version', 'point_json', 'replication', 'status', 'error', 'created_at', 'finished_at', 'wall_ms', 'sim_time_ns', 'events', 'notes_json', 'tags_json'] as const;

function shardRuns(shard: LabStore): ShardRun[] {
  const rows = shard.db
    .prepare(
      `SELECT r.id, e.name AS experiment, e.description, e.source, e.created_at AS experiment_created_at, ${RUN_FIELDS.map((f) => `r.${f}`).join(', ')}
       FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.status != 'running' ORDER BY r.id`,
    )
    .all() as Record<string, unknown>[];
  return rows.map((r) => ({
    id: r.id as number,
    experiment: r.experiment as string,
    description: r.description as string | null,
    source: r.source as string | null,
    experimentCreatedAt: r.experiment_created_at as string,
    configHash: r.config_hash as string,
    status: r.status as string,
    row: Object.fromEntries(RUN_FIELDS.map((f) => [f, r[f]])),
  }));
}

/** Merges every shard into `out`, in order, all or nothing. */
export function mergeStores(out: LabStore, shardPaths: readonly string[], opts: MergeOptions): MergeReport {
  const shards = shardPaths.map((p) => LabStore.open(p, { readOnly: true }));
  try {
    const report: MergeReport = { copied: 0, identical: 0, unfinishedCopied: 0, unfinishedSkipped: 0 };
    const db = out.db;
    const findExperiment = db.prepare(`SELECT id FROM experiments WHERE name = ?`);
    const addExperiment = db.prepare(`INSERT INTO experiments (name, description, source, created_at) VALUES (?, ?, ?, ?)`);
    const findDone = db.prepare(`SELECT id FROM runs WHERE experiment_id = ? AND config_hash = ? AND status = 'done'`);
    const findSameOutcome = db.prepare(`SELECT id FROM runs WHERE experiment_id = ? AND config_hash = ? AND status = ? AND coalesce(error, '') = coalesce(?, '')`);
    const insertRun = db.prepare(`INSERT INTO runs (experiment_id, ${RUN_FIELDS.join(', ')}) VALUES (?, ${RUN_FIELDS.map(() => '?').join(', ')})`);
    const insScalar = db.prepare(`INSERT INTO scalars (run_id, name, value) VALUES (?, ?, ?)`);
    const insHist = db.prepare(`INSERT INTO histograms (run_id, name, data_json) VALUES (?, ?, ?)`);
    const insSeries = db.prepare(`INSERT INTO series (run_id, name, data_json) VALUES (?, ?, ?)`);
    out.write(() =>
      db
        .transaction(() => {
          for (const [si, shard] of shards.entries()) {
            for (const run of shardRuns(shard)) {
              if (run.row.engine_version !== opts.engineVersion && opts.allowOtherEngineVersion !== true) {
                throw new MergeConflictError(shardPaths[si]!, `run #${run.id} of experiment "${run.experiment}" was recorded by engine version ${String(run.row.engine_version)}, not ${opts.engineVersion}; merge refused (--allow-engine-version accepts it)`);
              }
              const exp = (findExperiment.get(run.experiment) as { id: number } | undefined)?.id ?? Number(addExperiment.run(run.experiment, run.description, run.source, run.experimentCreatedAt).lastInsertRowid);
              const twin = findDone.get(exp, run.configHash) as { id: number } | undefined;
              if (run.status === 'done') {
                const mine = shard.getResult(run.id)!;
                if (twin !== undefined) {
                  const theirs = out.getResult(twin.id)!;
                  if (resultHash(theirs) !== resultHash(mine)) {
                    throw new MergeConflictError(
                      shardPaths[si]!,
                      `run #${run.id} (experiment "${run.experiment}", configuration ${run.configHash.slice(0, 12)}) has a different result than run #${twin.id} already in the merged store; the merge is refused and nothing was changed`,
                    );
                  }
                  report.identical++;
                  continue;
                }
                const id = Number(insertRun.run(exp, ...RUN_FIELDS.map((f) => run.row[f] as never)).lastInsertRowid);
                for (const [name, value] of Object.entries(mine.scalars)) insScalar.run(id, name, Number.isFinite(value) ? value : null);
                for (const [name, h] of Object.entries(mine.histograms)) insHist.run(id, name, JSON.stringify(h));
                for (const [name, s] of Object.entries(mine.series)) insSeries.run(id, name, JSON.stringify(s));
                report.copied++;
              } else if (twin === undefined && findSameOutcome.get(exp, run.configHash, run.status, run.row.error) === undefined) {
                insertRun.run(exp, ...RUN_FIELDS.map((f) => run.row[f] as never));
                report.unfinishedCopied++;
              } else {
                report.unfinishedSkipped++;
              }
            }
          }
        })
        .immediate(),
    );
    return report;
  } finally {
    for (const s of shards) s.close();
  }
}
