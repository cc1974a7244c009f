/**
 * How much of the time an SMMU instance spends consuming two or more of its command queues at
 * once: a counter of queues being consumed, integrated over simulated time.
 *
 * Models: the busy time (≥ 1 queue in consumption) and the overlap time (≥ 2 at once) of one
 * instance; the caller passes the instants, so this stays a pure structure.
 * Does not model: which queues overlapped (per-queue busy time is the caller's).
 */
export class BusyOverlap {
  private active = 0;
  private last = 0;
  /** ns with at least one queue being consumed. */
  busyNs = 0;
  /** ns with at least two queues being consumed at the same time. */
  overlapNs = 0;

  begin(now: number): void {
    this.advance(now);
    this.active++;
  }

  end(now: number): void {
    if (this.active === 0) throw new Error('BusyOverlap: end without begin');
    this.advance(now);
    this.active--;
  }

  /** Accounts up to `now` (call before reading the totals mid-consumption). */
  advance(now: number): void {
    if (now < this.last) throw new RangeError(`BusyOverlap: time went back from ${this.last} to ${now}`);
    const dt = now - this.last;
    if (this.active >= 1) this.busyNs += dt;
    if (this.active >= 2) this.overlapNs += dt;
    this.last = now;
  }
}
