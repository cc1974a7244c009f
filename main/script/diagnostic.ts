/** The scripting pipeline's error type lives in main/common (several layers use it); re-exported by api.ts. */
export { ScriptError, type ScriptDiagnostic, type ScriptErrorKind } from '../common/diagnostics';
