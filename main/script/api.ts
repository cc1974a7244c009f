/**
 * The contract of the scripting pipeline (issue 3): a TypeScript topology script → validated
 * specs, with every error reported as one diagnostic at the script's own file:line:column.
 * Used by the CLI (`run script.ts`, `check`), the API service and the editor's markers.
 */
import type { Spec } from '../common/spec';

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

export interface ScriptExperiment {
  name: string;
  description?: string;
  /** Every expanded spec, validated, each with its parameter point, replication index and seed. */
  specs: Spec[];
}

export interface EvaluateOptions {
  /** `--set param=value`: overrides a sweep parameter (or a profile parameter). */
  sets?: readonly [string, unknown][];
  /** Wall-clock deadline for the script itself. */
  timeoutMs?: number;
  memoryLimitBytes?: number;
}

/** Implemented by issue 3; until then scripts are refused with a clear error. */
export async function evaluateScript(_source: string, file: string, _opts: EvaluateOptions = {}): Promise<ScriptExperiment> {
  throw new ScriptError({ kind: 'runtime', file, line: 1, column: 1, message: 'TypeScript scripts are not supported yet' });
}
