/**
 * The first script evaluation in a process also loads the transpiler and the DSL runtime (about
 * 1 s of CPU here, once): not a cost of any one script. Tests that bound each script's CPU pay it
 * in a before() hook, or it falls on whichever test runs first (an infinite loop measured 2,074 ms
 * against its 2 s bound in a loaded CI run).
 */
import assert from 'node:assert/strict';
import { evaluateScript } from '../../main/script/api';

export async function warmScriptPath(): Promise<void> {
  // A plain object is refused as a default export, after the whole path has run once.
  await assert.rejects(evaluateScript('export default {};\n', 'warm-up.ts', { timeoutMs: 10_000 }), /must `export default` an experiment/);
}
