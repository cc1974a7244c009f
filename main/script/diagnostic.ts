/** The scripting pipeline's one error type: a diagnostic at the script's own file:line:column. Re-exported by api.ts. */

export type ScriptErrorKind = 'syntax' | 'runtime' | 'limit' | 'schema' | 'type' | 'forbidden';

export interface ScriptDiagnostic {
  kind: ScriptErrorKind;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

export class ScriptError extends Error {
  constructor(readonly diagnostic: ScriptDiagnostic) {
    super(`${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.message}`);
    this.name = 'ScriptError';
  }
}
