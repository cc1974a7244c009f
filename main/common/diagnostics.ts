/**
 * Errors and diagnostics shared by several layers: the engine raises TopologyError, the script
 * sandbox raises ScriptError, and the run pipeline (main/api/pipeline) turns every failure into
 * a positioned diagnostic (PilotRefusedError carries those of a refusal made while a run ran) that the CLI prints and the editor shows as a marker. Pure: no Node.
 */

/** A configuration the models cannot build (too many VINTFs, VMID exhaustion…): one clear error at a spec's JSON path. */
export class TopologyError extends Error {
  constructor(
    readonly path: string,
    /** The message without its path (the error's message is `path: detail`). */
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'TopologyError';
  }
}

export type ScriptErrorKind = 'syntax' | 'runtime' | 'limit' | 'schema' | 'type' | 'forbidden';

export interface ScriptDiagnostic {
  kind: ScriptErrorKind;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Where the offending text ends (exclusive column), when known. */
  endLine?: number;
  endColumn?: number;
  message: string;
}

/**
 * The scripting pipeline's one error type: a diagnostic at the script's own file:line:column,
 * and any further ones found in the same pass (every schema or type error, not only the first).
 */
export class ScriptError extends Error {
  readonly diagnostics: readonly ScriptDiagnostic[];
  constructor(
    readonly diagnostic: ScriptDiagnostic,
    more: readonly ScriptDiagnostic[] = [],
  ) {
    super(`${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.message}${more.length ? ` (and ${more.length} more)` : ''}`);
    this.name = 'ScriptError';
    this.diagnostics = [diagnostic, ...more];
  }
}

/** What a diagnostic is about; the editor shows it as the marker's source, the CLI in brackets. */
export type DiagnosticKind = ScriptErrorKind | 'topology' | 'profile' | 'budget';

/** One problem at a 1-based line:column of a source (a script, or a JSON spec file). */
export interface PositionedDiagnostic {
  kind: DiagnosticKind;
  line: number;
  column: number;
  /** Where the offending text ends (exclusive column, 1-based), when known: the editor marks the span. */
  endLine?: number;
  endColumn?: number;
  message: string;
}

/**
 * The run pipeline refused a run that was its own work-estimate pilot (main/api/pipeline/run-pilot.ts)
 * when it had run as far as the pilot: the diagnostics a separate pilot's refusal gives.
 */
export class PilotRefusedError extends Error {
  constructor(readonly diagnostics: PositionedDiagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n'));
    this.name = 'PilotRefusedError';
  }
}

/** The one text form of a diagnostic, as the CLI prints it: `file:line:column: message [kind]`. */
export function formatDiagnostic(file: string, d: PositionedDiagnostic): string {
  return `${file}:${d.line}:${d.column}: ${d.message} [${d.kind}]`;
}
