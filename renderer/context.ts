/** What every view shares: the API client, app facts, navigation and cross-view requests. */
import type { LabApi } from '../main/common/api/contract';
import type { AppInfo, RunQuery } from '../main/common/api';

export type ViewName = 'editor' | 'runs' | 'compare' | 'diff' | 'notebook' | 'profiles';

export interface AppContext {
  api: LabApi;
  info: AppInfo;
  show(view: ViewName): void;
  /** Opens a document in the editor. `savedAs` names the stored script it came from. */
  openDocument(file: string, source: string, savedAs?: string): void;
  compare(query: RunQuery, description: string): void;
  diff(a: number, b: number): void;
  /** Shows the Runs view filtered to one job's runs. */
  showJobRuns(jobId: number, runIds: readonly number[], experiment: string): void;
  /** Views that list runs refresh themselves (finished jobs, edits). */
  runsChanged(): void;
  onRunsChanged(listener: () => void): void;
  scriptsChanged(): void;
  onScriptsChanged(listener: () => void): void;
  /** Reports an error to the user in one line. */
  fail(e: unknown): void;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
