/**
 * An SMMUv3 command queue as data: a ring of 2^log2 16-byte entries between PROD and CONS, and
 * the error stall.
 *
 * Models: finite space (a producer that does not fit must wait), in-order consumption, and the
 * architected error behaviour: a command the queue cannot execute (illegal opcode, or — for a
 * Tegra241 VCMDQ — one the hardware does not accept from a guest) sets CMDQ_CONS.ERR and stops
 * consumption with that command at the head until software acknowledges the error.
 * Does not model: wrap bits, MSI on CMD_SYNC, the ABT (abort) and ATC-timeout causes beyond naming them.
 */
import { CMD_BYTES, type Command } from './commands';

export type CmdqErrorCode = 'ILL' | 'ABT' | 'ATC_TIMEOUT';

export interface CmdqError {
  readonly code: CmdqErrorCode;
  readonly cmd: Command;
}

export class CommandQueue {
  readonly capacity: number;
  /**
   * The entries between CONS (`head`) and PROD, in a ring of a power-of-two size that doubles as
   * entries arrive, up to the capacity (a 2^19-entry queue costs memory only once used).
   */
  private ring: (Command | undefined)[];
  private mask: number;
  private head = 0;
  private count = 0;
  private _error: CmdqError | null = null;

  constructor(
    readonly name: string,
    readonly log2Entries: number,
    /** Returns an error code for a command this queue cannot execute, or null. */
    private readonly check: (cmd: Command) => CmdqErrorCode | null = () => null,
  ) {
    if (!Number.isInteger(log2Entries) || log2Entries < 1 || log2Entries > 19) throw new RangeError(`${name}: queue size must be 2^1..2^19 entries, got 2^${log2Entries}`);
    this.capacity = 2 ** log2Entries;
    const size = Math.min(this.capacity, 64);
    this.ring = new Array<Command | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  get bytes(): number {
    return this.capacity * CMD_BYTES;
  }

  get pending(): number {
    return this.count;
  }

  get free(): number {
    return this.capacity - this.count;
  }

  get error(): CmdqError | null {
    return this._error;
  }

  /** Writes commands and advances PROD; false (nothing written) when they do not fit. */
  push(cmds: readonly Command[]): boolean {
    if (cmds.length > this.capacity - this.count) return false;
    if (this.count + cmds.length > this.ring.length) this.grow(this.count + cmds.length);
    let at = (this.head + this.count) & this.mask;
    for (let i = 0; i < cmds.length; i++) {
      this.ring[at] = cmds[i]!;
      at = (at + 1) & this.mask;
    }
    this.count += cmds.length;
    return true;
  }

  /**
   * Consumes up to `max` commands in order. Stops at the first command that fails its check and
   * records the error; while an error is pending nothing is consumed. The commands go into
   * `out` (emptied first) when given — a consumer that owns one list reuses it — else a new list.
   */
  consume(max = Infinity, out: Command[] = []): Command[] {
    let n = 0;
    while (this._error === null && this.count > 0 && n < max) {
      const cmd = this.ring[this.head]!;
      const code = this.check(cmd);
      if (code !== null) {
        this._error = { code, cmd };
        break;
      }
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) & this.mask;
      this.count--;
      if (n < out.length) out[n] = cmd;
      else out.push(cmd);
      n++;
    }
    // A length store is a runtime call even when it changes nothing: only when it does.
    if (out.length !== n) out.length = n;
    return out;
  }


  /** A ring of at least `needed` slots (a power of two, at most the capacity), entries in order from slot 0. */
  private grow(needed: number): void {
    let size = this.ring.length;
    while (size < needed) size *= 2;
    const ring = new Array<Command | undefined>(Math.min(size, this.capacity)).fill(undefined);
    for (let i = 0; i < this.count; i++) ring[i] = this.ring[(this.head + i) & this.mask];
    this.ring = ring;
    this.mask = ring.length - 1;
    this.head = 0;
  }

  /** Software's error handling (Linux arm_smmu_cmdq_skip_err): the faulting command is skipped (replaced by a CMD_SYNC) and consumption resumes. */
  acknowledge(): CmdqError | null {
    const e = this._error;
    if (e === null) return null;
    this.ring[this.head] = { op: 'CMD_SYNC' };
    this._error = null;
    return e;
  }
}
