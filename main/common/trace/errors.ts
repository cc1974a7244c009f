/** A trace file line the parser cannot read: its 1-based line number and why (thrown by main/common/trace, caught by the engine and the hosts). */
export class TraceFormatError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
    readonly file?: string,
  ) {
    super(`${file ?? 'trace'}:${line}: ${reason}`);
    this.name = 'TraceFormatError';
  }

  /** The same error, naming the file it came from. */
  inFile(file: string): TraceFormatError {
    return new TraceFormatError(this.line, this.reason, file);
  }
}
