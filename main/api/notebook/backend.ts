/**
 * What notebook execution needs from its host: the store, the comparison queries (the API
 * service's own compare / distribution / series), and a way to run an experiment script to
 * completion — jobs on the worker pool in the workbench, in-process runs in the CLI.
 */
import type { LabService } from '../../common/api/contract';
import type { LabStore } from '../../store/store';

export type ExperimentOutcome =
  | { ok: true; experiment: string; description: string | null; configHashes: string[]; failed: number; firstError: string | null }
  | { ok: false; message: string };

export interface NotebookBackend {
  store: LabStore;
  queries: Pick<LabService, 'compare' | 'distribution' | 'series'>;
  runExperiment(file: string, source: string): Promise<ExperimentOutcome>;
  appVersion: string;
}
