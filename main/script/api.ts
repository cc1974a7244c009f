/**
 * The contract of the scripting pipeline (issue 3): a TypeScript topology script → validated
 * specs, with every error reported as one diagnostic at the script's own file:line:column.
 * Used by the CLI (`run script.ts`, `check`), the API service and the editor's markers.
 */
import type { Spec } from '../common/spec';

export { ScriptError, type ScriptDiagnostic, type ScriptErrorKind } from './diagnostic';

export interface ScriptExperiment {
  name: string;
  description?: string;
  /** Every expanded spec, validated, each with its parameter point, replication index and seed. */
  specs: Spec[];
  /**
   * Parallel to `specs`: JSON path of a part of the spec ('', 'vms[0]', 'devices[1].workload', …) →
   * the script position of the builder call that declared it. For placing errors found later
   * (an engine TopologyError names a JSON path) at the right line: use the longest matching prefix
   * (`positionOfPath` in main/script/sites.ts).
   */
  positions?: Record<string, { line: number; column: number }>[];
  /** What the script printed with console.log/warn/error (at most 200 lines). */
  logs?: string[];
}

export interface EvaluateOptions {
  /** `--set param=value`: overrides a sweep parameter (or a profile parameter, or a spec path). */
  sets?: readonly [string, unknown][];
  /** Wall-clock deadline for the script itself. Default 500 ms. */
  timeoutMs?: number;
  /** Memory the script may allocate inside the sandbox. Default 64 MiB. */
  memoryLimitBytes?: number;
  /** Stack the script may use inside the sandbox. Default 512 KiB. */
  stackLimitBytes?: number;
  /** Largest result (the specs as JSON text, in characters) the sandbox may hand back. Default 16 M. */
  maxResultChars?: number;
  /** Type-check the script against resources/viommu-lab.d.ts first (slower: loads the TypeScript compiler). Default false. */
  typeCheck?: boolean;
}

/** A script's default deadline (the CLI's, unless --timeout); the workbench sets its own, shown in its status bar. */
export const DEFAULT_SCRIPT_TIMEOUT_MS = 500;

/** Evaluates a script in the sandbox and validates what it produces; throws ScriptError. */
export async function evaluateScript(source: string, file: string, opts: EvaluateOptions = {}): Promise<ScriptExperiment> {
  const { evaluate } = await import('./evaluate');
  return evaluate(source, file, opts);
}
