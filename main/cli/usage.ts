/**
 * The usage line of every command, apart from the commands themselves, so `viommu-lab --help`
 * loads nothing else (main.ts imports the commands only when one runs).
 */
import { budgetUsage } from './budget-flags';

export const checkUsage = `viommu-lab check <script.ts|spec.json> [--set key=value]... [--timeout MS] [--no-types] ${budgetUsage}`;
export const dbUsage = 'viommu-lab db check [--db FILE]';
export const exportUsage = `viommu-lab export csv|json [--db FILE] [--experiment NAME] [--status S] [-o FILE]
  viommu-lab export html|pdf|ipynb <notebook.json> | --notebook NAME [--db FILE] [-o FILE] [--chromium FILE]`;
export const mergeUsage = 'viommu-lab merge OUT.sqlite SHARD.sqlite... [--allow-engine-version]';
export const notebookUsage = 'viommu-lab notebook run <notebook.json> [--db FILE] [-o OUT.json] [--no-runs]';
export const runUsage = `viommu-lab run <script.ts|spec.json> [--db FILE] [--seed N] [--set key=value]... [--json] [--experiment NAME] [--timeout MS] [--metrics a,b,prefix.*] [--shard K/N] ${budgetUsage} [--jobs N]`;
export const slurmUsage = 'viommu-lab slurm <script.ts|spec.json> --shards N [--dir DIR] [--out FILE] [--partition P] [--time T] [--cpus-per-task C] [--command CMD] [--set key=value]... [--timeout MS]';
