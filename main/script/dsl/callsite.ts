/**
 * Where in the script a DSL call was made, read from a QuickJS stack trace inside the sandbox.
 * Positions are in the transpiled JavaScript; the host maps them back through the source map.
 */

/** The module name the sandbox gives the user's script; stack frames name it. */
export const SCRIPT_MODULE = 'script.js';

export interface Site {
  /** 1-based line in the transpiled script. */
  line: number;
  /** 1-based column in the transpiled script. */
  column: number;
}

const FRAME = new RegExp(`\\(?${SCRIPT_MODULE.replace('.', '\\.')}:(\\d+):(\\d+)\\)?`);

/** The first frame of `stack` that lies in the script, or undefined if none does. */
export function scriptSite(stack: string | undefined): Site | undefined {
  for (const line of (stack ?? '').split('\n')) {
    const m = FRAME.exec(line);
    if (m) return { line: Number(m[1]), column: Number(m[2]) };
  }
  return undefined;
}

/** The script position of the DSL call being made now. */
export function callSite(): Site | undefined {
  return scriptSite(new Error().stack);
}
