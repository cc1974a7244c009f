/**
 * The Slurm job scripts for a sharded sweep: a job array whose task K runs shard K/N into its
 * own store, and a merge job that depends on the whole array (afterok) and merges the shards
 * into one store. Plain sbatch files plus a submit script, so a cluster user can read, adapt
 * and submit them; nothing here talks to Slurm.
 */

export interface SlurmPlan {
  /** The experiment script or spec, as an absolute path. */
  script: string;
  shards: number;
  /** Folder for the shard stores, logs and the job scripts. */
  dir: string;
  /** The merged store. */
  out: string;
  /** The command that runs viommu-lab on the cluster's nodes (default: this installation's). */
  command: string;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  /** Extra arguments for every shard's `run` (e.g. --set pairs), already shell-quoted. */
  runArgs: string[];
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function header(plan: SlurmPlan, name: string): string[] {
  const lines = ['#!/bin/bash', `#SBATCH --job-name=${name}`, `#SBATCH --chdir=${shellQuote(plan.dir)}`];
  if (plan.partition !== undefined) lines.push(`#SBATCH --partition=${plan.partition}`);
  if (plan.time !== undefined) lines.push(`#SBATCH --time=${plan.time}`);
  if (plan.cpusPerTask !== undefined) lines.push(`#SBATCH --cpus-per-task=${plan.cpusPerTask}`);
  return lines;
}

export function slurmScripts(plan: SlurmPlan): { array: string; merge: string; submit: string } {
  const shardDb = (k: string): string => `${shellQuote(plan.dir)}/shard-${k}.sqlite`;
  const array = [
    ...header(plan, 'viommu-lab-sweep'),
    `#SBATCH --array=1-${plan.shards}`,
    `#SBATCH --output=${shellQuote(plan.dir)}/shard-%a.log`,
    'set -euo pipefail',
    `# Shard K of ${plan.shards}: a disjoint, deterministic slice of the sweep, in its own store.`,
    `${plan.command} run ${shellQuote(plan.script)} --shard "$SLURM_ARRAY_TASK_ID/${plan.shards}" --db ${shardDb('$SLURM_ARRAY_TASK_ID')} ${plan.runArgs.join(' ')}`.trimEnd(),
    '',
  ].join('\n');
  const shards = Array.from({ length: plan.shards }, (_, i) => shardDb(String(i + 1))).join(' ');
  const merge = [
    ...header(plan, 'viommu-lab-merge'),
    `#SBATCH --output=${shellQuote(plan.dir)}/merge.log`,
    'set -euo pipefail',
    '# Runs after every shard succeeded (afterok on the array job).',
    `${plan.command} merge ${shellQuote(plan.out)} ${shards}`,
    '',
  ].join('\n');
  const submit = [
    '#!/bin/bash',
    '# Submits the shard array, then the merge job that waits for all of it.',
    'set -euo pipefail',
    `cd ${shellQuote(plan.dir)}`,
    'array=$(sbatch --parsable sweep.sbatch)',
    'array=${array%%;*}',
    'merge=$(sbatch --parsable --dependency=afterok:"$array" merge.sbatch)',
    'echo "submitted shards as job $array and the merge as job ${merge%%;*}"',
    '',
  ].join('\n');
  return { array, merge, submit };
}
