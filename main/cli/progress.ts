/** Progress on stderr, shown only once a run has taken more than a second of wall time. */
import type { RunProgress } from '../engine/run';
import type { CliIO } from './io';
import { grouped } from './table';

export class ProgressLine {
  private started = process.hrtime.bigint();
  private lastPrint = 0;
  private shown = false;

  constructor(private readonly io: CliIO) {}

  restart(): void {
    this.started = process.hrtime.bigint();
    this.lastPrint = 0;
  }

  update(label: string, p: RunProgress): void {
    const elapsedMs = Number(process.hrtime.bigint() - this.started) / 1e6;
    if (elapsedMs < 1000 || elapsedMs - this.lastPrint < (this.io.isTTY ? 200 : 1000)) return;
    this.lastPrint = elapsedMs;
    const frac = p.endNs !== null && p.endNs > 0 ? Math.min(1, p.simNs / p.endNs) : null;
    const pct = frac === null ? '' : ` ${(frac * 100).toFixed(0)}%`;
    const eta = frac !== null && frac > 0.02 ? `, ETA ${((elapsedMs / frac - elapsedMs) / 1000).toFixed(1)} s` : '';
    const line = `${label}: ${p.phase}${pct}, ${(p.simNs / 1e6).toFixed(3)} ms simulated, ${grouped(String(p.events))} events${eta}`;
    if (this.io.isTTY) {
      this.io.err(`\r\x1b[K${line}`);
      this.shown = true;
    } else {
      this.io.err(line + '\n');
    }
  }

  done(): void {
    if (this.shown) this.io.err('\r\x1b[K');
    this.shown = false;
  }
}
