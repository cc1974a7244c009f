/**
 * The workbench's notebook backend: an experiment cell's script is prepared like the editor's
 * (same diagnostics), submitted as a job to the engine worker pool (so it shows in the jobs
 * panel with progress and can be cancelled), and awaited until the job ends.
 */
import type { LabService } from '../../common/api/contract';
import type { LabStore } from '../../store/store';
import type { JobManager } from '../engine/jobs';
import type { SourceOutcome } from '../pipeline/pipeline';
import type { ExperimentOutcome, NotebookBackend } from './backend';

export function jobBackend(store: LabStore, jobs: JobManager, prepare: (file: string, source: string) => Promise<SourceOutcome>, queries: Pick<LabService, 'compare' | 'distribution' | 'series'>, appVersion: string): NotebookBackend {
  return {
    store,
    queries,
    appVersion,
    async runExperiment(file, source): Promise<ExperimentOutcome> {
      const o = await prepare(file, source);
      if (!o.ok) {
        const d = o.diagnostics[0]!;
        return { ok: false, message: `${file}:${d.line}:${d.column}: ${d.message}${o.diagnostics.length > 1 ? ` (and ${o.diagnostics.length - 1} more)` : ''}` };
      }
      const prepared = o;
      const jobId = jobs.start(prepared.experiment, prepared.runs, prepared.description, source);
      let version = 0;
      for (;;) {
        const snap = await jobs.watch(version, 10_000);
        version = snap.version;
        const job = snap.jobs.find((j) => j.id === jobId);
        if (job === undefined) return { ok: false, message: `job ${jobId} disappeared before it finished` };
        if (job.state === 'running') continue;
        if (job.state === 'cancelled') return { ok: false, message: `the experiment's job was cancelled (${job.done} of ${job.total} runs finished)` };
        return {
          ok: true,
          experiment: prepared.experiment,
          description: prepared.description ?? null,
          configHashes: prepared.runs.map((r) => r.configHash),
          failed: job.failed,
          firstError: job.lastError,
        };
      }
    },
  };
}
