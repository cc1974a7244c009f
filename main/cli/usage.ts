/**
 * The usage line of every command and the whole `--help` text, apart from the commands
 * themselves, so `viommu-lab --help` loads nothing else (main.ts imports the commands only when
 * one runs). scripts/cli-bundle.mjs also bundles this module on its own and keeps its text, so
 * the bundled CLI's `--help` prints it without loading the CLI bundle.
 */
import { budgetUsage } from './budget-flags';

export const checkUsage = `viommu-lab check <script.ts|spec.json> [--set key=value]... [--timeout MS] [--no-types] ${budgetUsage}`;
export const dbUsage = 'viommu-lab db check [--db FILE]';
export const exportUsage = `viommu-lab export csv|json [--db FILE] [--experiment NAME] [--status S] [-o FILE]
  viommu-lab export html|pdf|ipynb <notebook.json> | --notebook NAME [--db FILE] [-o FILE] [--chromium FILE]`;
export const mergeUsage = 'viommu-lab merge OUT.sqlite SHARD.sqlite... [--allow-engine-version]';
export const notebookUsage = 'viommu-lab notebook run <notebook.json> [--db FILE] [-o OUT.json] [--no-runs]';
export const runsUsage = 'viommu-lab runs [--db FILE] [--experiment NAME] [--status STATUS] [--json]';
export const runUsage = `viommu-lab run <script.ts|spec.json> [--db FILE] [--seed N] [--set key=value]... [--json] [--experiment NAME] [--timeout MS] [--metrics a,b,prefix.*] [--shard K/N] ${budgetUsage} [--jobs N]`;
export const slurmUsage = 'viommu-lab slurm <script.ts|spec.json> --shards N [--dir DIR] [--out FILE] [--partition P] [--time T] [--cpus-per-task C] [--command CMD] [--set key=value]... [--timeout MS]';

export const USAGE = `vIOMMU Lab — simulate virtual IOMMU and DMA paths, keep every run.

usage:
  ${runUsage}
  ${checkUsage}
  ${runsUsage}
  ${exportUsage}
  ${dbUsage}
  ${mergeUsage}
  ${slurmUsage}
  ${notebookUsage}

The database defaults to $XDG_DATA_HOME/viommu-lab/lab.sqlite (or $VIOMMU_LAB_DB).
`;

/** The verbs that print USAGE (no verb prints it too, with exit code 2). */
export const HELP_VERBS: readonly string[] = ['help', '--help', '-h'];

/** Every command (main.ts dispatches them; bin/viommu-lab.cjs keeps a code cache for each). */
export const COMMANDS: readonly string[] = ['run', 'check', 'runs', 'export', 'notebook', 'db', 'merge', 'slurm'];
