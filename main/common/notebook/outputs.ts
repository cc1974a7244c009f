/**
 * What a notebook cell shows, computed by the service from stored runs (never from row ids):
 * experiment cells their runs and reproduction status, chart cells the data of one of the
 * Compare view's charts, table cells a comparison, text cells their markdown with the quoted
 * values filled in. Plain JSON, the same in the workbench, the CLI and the reports.
 */
import type { CompareResult, ParamValue } from '../api/types';
import type { ChartData } from '../report/svg-chart';
import type { CellStatus } from './stale';
import type { Cell, CellState } from './schema';

export interface ExperimentRunInfo {
  id: number;
  point: Record<string, ParamValue>;
  replication: number;
  seed: number;
  configHash: string;
  resultHash: string;
}

export type CellOutput =
  | { type: 'markdown' }
  | { type: 'experiment'; experiment: string; description: string | null; runs: ExperimentRunInfo[] }
  | { type: 'chart'; data: ChartData }
  | { type: 'table'; compare: CompareResult }
  | { type: 'text'; markdown: string }
  /** Nothing to show yet (the experiment it reads has not run), or an error; said in one sentence. */
  | { type: 'empty'; message: string };

export interface CellView {
  cell: Cell;
  status: CellStatus;
  state: CellState | null;
  output: CellOutput;
}

export interface ProvenanceParam {
  name: string;
  value: number;
  unit: string;
  source: string;
  /** The profile that set it, or "override". */
  from: string;
}

export interface ProvenanceProfile {
  /** Short id of this resolved profile (its values' hash) for the runs table. */
  key: string;
  id: string;
  chain: string[];
  params: ProvenanceParam[];
}

export interface ProvenanceRun {
  id: number;
  experiment: string;
  name: string;
  point: Record<string, ParamValue>;
  replication: number;
  seed: number;
  engineVersion: string;
  configHash: string;
  specHash: string;
  resultHash: string;
  profileKey: string;
}

export interface Provenance {
  engineVersion: string;
  appVersion: string;
  experiments: { name: string; description: string | null; file: string; source: string }[];
  runs: ProvenanceRun[];
  profiles: ProvenanceProfile[];
}

export interface NotebookView {
  id: number;
  name: string;
  title: string;
  question: string;
  executionCounter: number;
  cells: CellView[];
  updatedAt: string;
}
