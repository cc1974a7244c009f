/**
 * The jobs panel: live progress of every run and sweep (run k of n, events, ETA, a bar per
 * running run), streamed by long-polling `watch`; cancel a whole job or one run of it.
 */
import type { JobInfo, WatchResult } from '../../main/common/api/types';
import type { AppContext } from '../context';
import { h, replace } from '../ui/dom';
import { fmtDuration, fmtPoint } from '../ui/format';
import { jobPercent } from './progress';

export interface JobsPanel {
  element: HTMLElement;
  cancelNewest(): void;
  /** A short line for the status bar. */
  onSummary(listener: (text: string) => void): void;
}

export function createJobsPanel(ctx: AppContext): JobsPanel {
  const list = h('div', { 'data-test': 'jobs' });
  const empty = h('div.empty', null, 'No runs yet. Open an example and press Ctrl+Enter.');
  const count = h('span', null, '');
  const clearBtn = h('button.btn.small', { type: 'button', 'data-test': 'clear-jobs', title: 'Remove finished jobs from this list (their runs stay stored)', disabled: true }, 'Clear finished');
  clearBtn.addEventListener('click', () => void ctx.api.clearJobs({}).catch(ctx.fail));
  const element = h('section.jobs', { 'aria-label': 'Jobs' }, h('div.jobs-head', null, h('span', null, 'Jobs'), count, h('span.spacer'), clearBtn), list);
  let jobs: JobInfo[] = [];
  let finishedSeen = new Map<number, string>();
  let summaryListener: (text: string) => void = () => {};

  function cancel(jobId: number, runIndex?: number): void {
    ctx.api.cancel(runIndex === undefined ? { jobId } : { jobId, runIndex }).catch(ctx.fail);
  }

  interface JobRow {
    el: HTMLElement;
    badge: HTMLElement;
    bar: HTMLElement;
    progress: HTMLElement;
    stats: HTMLElement;
    cancelBtn: HTMLButtonElement;
    runsBtn: HTMLButtonElement;
    /** The job as last rendered (the runs link reads it when clicked). */
    job: JobInfo;
    chips: HTMLElement;
    chipById: Map<number, { el: HTMLElement; bar: HTMLElement }>;
    error: HTMLElement;
  }
  // Rows are updated in place (keyed by job and run), never rebuilt: a button under the pointer
  // stays the same element between mousedown and mouseup however often progress arrives.
  const rowsById = new Map<number, JobRow>();

  function createRow(j: JobInfo): JobRow {
    const badge = h('span.badge');
    const bar = h('div');
    const progress = h('div.progress', { role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100 }, bar);
    const stats = h('span.job-stats', { 'data-test': 'job-stats' });
    const cancelBtn = h('button.btn.small', { type: 'button', title: 'Cancel the whole job (Ctrl+Shift+X)', 'data-test': 'cancel-job', onclick: () => cancel(j.id) }, 'Cancel');
    const chips = h('div.job-runs');
    const error = h('div.status-err');
    // The link to the job's runs: the Runs view filtered to them.
    const runsBtn = h('button.btn.small', { type: 'button', 'data-test': 'job-runs', title: 'Show this job\'s runs in the Runs view' }, 'Runs');
    const el = h('div.job', { 'data-test': 'job', 'data-job': j.id }, h('div.job-line', null, h('span.job-title', null, j.experiment), badge, progress, stats, runsBtn, cancelBtn), chips, error);
    const row: JobRow = { el, badge, bar, progress, stats, cancelBtn, runsBtn, job: j, chips, chipById: new Map(), error };
    runsBtn.addEventListener('click', () => ctx.showJobRuns(row.job.id, row.job.runIds, row.job.experiment));
    return row;
  }

  function updateRow(row: JobRow, j: JobInfo): void {
    const finished = j.done + j.failed + j.cancelled;
    const pct = jobPercent(j);
    const current = Math.min(j.total, finished + j.running.length);
    const stats = [
      j.state === 'running' ? `run ${current} of ${j.total}` : `${j.done} of ${j.total} done`,
      j.failed ? `${j.failed} failed` : '',
      j.cancelled ? `${j.cancelled} cancelled` : '',
      j.skipped ? `${j.skipped} not started` : '',
      `${j.events.toLocaleString('en-US')} events`,
      j.state === 'running' ? (j.etaMs === null ? 'ETA …' : `ETA ${fmtDuration(j.etaMs)}`) : fmtDuration(j.elapsedMs),
      `${j.workers} worker${j.workers === 1 ? '' : 's'}`,
    ].filter(Boolean);
    row.el.className = `job ${j.state}`;
    row.el.dataset.state = j.state;
    row.badge.className = `badge ${j.state}`;
    row.badge.textContent = j.state;
    row.bar.style.width = `${pct.toFixed(1)}%`;
    row.progress.setAttribute('aria-valuenow', String(Math.round(pct)));
    row.stats.textContent = stats.join(' · ');
    row.cancelBtn.style.display = j.state === 'running' ? '' : 'none';
    row.job = j;
    row.runsBtn.disabled = j.runIds.length === 0;
    row.error.textContent = j.lastError ?? '';
    row.error.style.display = j.lastError ? '' : 'none';
    const live = new Set(j.running.map((r) => r.runId));
    for (const [id, chip] of row.chipById) {
      if (!live.has(id)) {
        chip.el.remove();
        row.chipById.delete(id);
      }
    }
    for (const r of j.running) {
      let chip = row.chipById.get(r.runId);
      if (chip === undefined) {
        const bar = h('div');
        const el = h(
          'span.run-chip',
          { 'data-test': 'running-run', 'data-index': r.index },
          h('span', null, `#${r.runId} ${fmtPoint(r.point)}${r.replication ? ` rep ${r.replication}` : ''}`),
          h('span.mini', null, bar),
          h('button.icon-btn', { type: 'button', title: 'Cancel this run', 'aria-label': `Cancel run ${r.runId}`, 'data-test': 'cancel-run', onclick: () => cancel(j.id, r.index) }, '✕'),
        );
        chip = { el, bar };
        row.chipById.set(r.runId, chip);
        row.chips.append(el);
      }
      chip.bar.style.width = `${((r.fraction ?? 0) * 100).toFixed(1)}%`;
    }
    row.chips.style.display = j.running.length ? '' : 'none';
  }

  function render(w: WatchResult): void {
    jobs = [...w.jobs].reverse();
    const active = jobs.filter((j) => j.state === 'running');
    count.textContent = active.length ? `${active.length} running` : '';
    clearBtn.disabled = jobs.every((j) => j.state === 'running');
    const ids = new Set(jobs.map((j) => j.id));
    for (const [id, row] of rowsById) {
      if (!ids.has(id)) {
        row.el.remove();
        rowsById.delete(id);
      }
    }
    if (jobs.length === 0) replace(list, empty);
    else {
      empty.remove();
      // Newest first; appending an existing element moves it without recreating it.
      for (const j of jobs) {
        let row = rowsById.get(j.id);
        if (row === undefined) {
          row = createRow(j);
          rowsById.set(j.id, row);
        }
        updateRow(row, j);
      }
      const order = jobs.map((j) => rowsById.get(j.id)!.el);
      if (order.some((el, i) => list.children[i] !== el)) for (const el of order) list.append(el);
    }
    const a = active[0];
    summaryListener(a ? `${a.experiment}: run ${Math.min(a.total, a.done + a.failed + a.cancelled + a.running.length)}/${a.total}${a.etaMs !== null ? ` · ETA ${fmtDuration(a.etaMs)}` : ''}` : 'idle');
    // Refresh run lists when runs finish.
    let changed = false;
    const next = new Map<number, string>();
    for (const j of w.jobs) {
      const n = `${j.done}/${j.failed}/${j.cancelled}/${j.running.map((r) => r.runId).join(',')}`;
      next.set(j.id, n);
      if (finishedSeen.get(j.id) !== n) changed = true;
    }
    finishedSeen = next;
    if (changed) ctx.runsChanged();
  }

  async function loop(): Promise<void> {
    let version = 0;
    for (;;) {
      try {
        const w = await ctx.api.watch({ after: version, waitMs: 15_000 });
        if (w.version !== version) {
          version = w.version;
          render(w);
        }
        // At most ~8 repaints a second however busy the engine is.
        await new Promise((r) => setTimeout(r, 120));
      } catch {
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
  void loop();

  return {
    element,
    cancelNewest: () => {
      const j = jobs.find((x) => x.state === 'running');
      if (j) cancel(j.id);
    },
    onSummary: (l) => (summaryListener = l),
  };
}
