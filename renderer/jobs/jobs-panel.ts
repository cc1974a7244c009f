/**
 * The jobs panel: live progress of every run and sweep (run k of n, events, ETA, a bar per
 * running run), streamed by long-polling `watch`; cancel a whole job or one run of it.
 */
import type { JobInfo, WatchResult } from '../../main/common/api/types';
import type { AppContext } from '../context';
import { h, replace } from '../ui/dom';
import { fmtDuration, fmtPoint } from '../ui/format';

export interface JobsPanel {
  element: HTMLElement;
  cancelNewest(): void;
  /** A short line for the status bar. */
  onSummary(listener: (text: string) => void): void;
}

export function createJobsPanel(ctx: AppContext): JobsPanel {
  const list = h('div', { 'data-test': 'jobs' });
  const count = h('span', null, '');
  const element = h('section.jobs', { 'aria-label': 'Jobs' }, h('div.jobs-head', null, h('span', null, 'Jobs'), count), list);
  let jobs: JobInfo[] = [];
  let finishedSeen = new Map<number, string>();
  let summaryListener: (text: string) => void = () => {};

  function cancel(jobId: number, runIndex?: number): void {
    ctx.api.cancel(runIndex === undefined ? { jobId } : { jobId, runIndex }).catch(ctx.fail);
  }

  function jobRow(j: JobInfo): HTMLElement {
    const finished = j.done + j.failed + j.cancelled;
    const partial = j.running.reduce((s, r) => s + (r.fraction ?? 0), 0);
    const planned = Math.max(1, j.total - j.skipped);
    const pct = Math.min(100, ((finished + partial) / planned) * 100);
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
    const cancelBtn =
      j.state === 'running' ? h('button.btn.small', { type: 'button', title: 'Cancel the whole job (Ctrl+Shift+X)', 'data-test': 'cancel-job', onclick: () => cancel(j.id) }, 'Cancel') : null;
    const chips = j.running.map((r) =>
      h(
        'span.run-chip',
        { 'data-test': 'running-run', 'data-index': r.index },
        h('span', null, `#${r.runId} ${fmtPoint(r.point)}${r.replication ? ` rep ${r.replication}` : ''}`),
        h('span.mini', null, h('div', { style: `width:${((r.fraction ?? 0) * 100).toFixed(1)}%` })),
        h('button.icon-btn', { type: 'button', title: 'Cancel this run', 'aria-label': `Cancel run ${r.runId}`, 'data-test': 'cancel-run', onclick: () => cancel(j.id, r.index) }, '✕'),
      ),
    );
    return h(
      `div.job.${j.state}` as 'div',
      { 'data-test': 'job', 'data-state': j.state, 'data-job': j.id },
      h(
        'div.job-line',
        null,
        h('span.job-title', null, j.experiment),
        h('span', { class: `badge ${j.state === 'running' ? 'running' : j.state}` }, j.state),
        h('div.progress', { role: 'progressbar', 'aria-valuenow': Math.round(pct), 'aria-valuemin': 0, 'aria-valuemax': 100 }, h('div', { style: `width:${pct.toFixed(1)}%` })),
        h('span.job-stats', { 'data-test': 'job-stats' }, stats.join(' · ')),
        cancelBtn,
      ),
      chips.length ? h('div.job-runs', null, chips) : null,
      j.lastError ? h('div.status-err', null, j.lastError) : null,
    );
  }

  function render(w: WatchResult): void {
    jobs = [...w.jobs].reverse();
    const active = jobs.filter((j) => j.state === 'running');
    count.textContent = active.length ? `${active.length} running` : '';
    replace(list, jobs.length ? jobs.map(jobRow) : h('div.empty', null, 'No runs yet. Open an example and press Ctrl+Enter.'));
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
