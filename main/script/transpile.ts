/**
 * TypeScript script → one JavaScript ES module for the sandbox, with a source map back to the
 * script. esbuild only strips types and bundles nothing but the script itself: an import of
 * anything other than 'viommu-lab' (including require() and import() of a literal name) is
 * refused here, at the line:column of the import.
 */
import { build, type Message, type Plugin } from 'esbuild';
import { SCRIPT_MODULE } from './dsl/callsite';
import { ScriptError, type ScriptErrorKind } from './diagnostic';

export interface Transpiled {
  code: string;
  /** Source map JSON (version 3) from `code` to the script. */
  map: string;
}

export const DSL_MODULE = 'viommu-lab';

const FORBIDDEN_PREFIX = 'FORBIDDEN: ';

const onlyTheDsl: Plugin = {
  name: 'only-the-dsl',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path === DSL_MODULE && args.kind === 'import-statement') return { path: DSL_MODULE, external: true };
      const how = args.kind === 'require-call' ? 'require()' : args.kind === 'dynamic-import' ? 'import()' : 'import';
      return {
        errors: [{ text: `${FORBIDDEN_PREFIX}${how} of "${args.path}" is not available: a script can only \`import { ... } from '${DSL_MODULE}'\`` }],
      };
    });
  },
};

function toScriptError(file: string, m: Message): ScriptError {
  const forbidden = m.text.startsWith(FORBIDDEN_PREFIX);
  const kind: ScriptErrorKind = forbidden ? 'forbidden' : 'syntax';
  const message = forbidden ? m.text.slice(FORBIDDEN_PREFIX.length) : m.text;
  return new ScriptError({ kind, file, line: m.location?.line ?? 1, column: (m.location?.column ?? 0) + 1, message });
}

export async function transpile(source: string, file: string): Promise<Transpiled> {
  try {
    const r = await build({
      stdin: { contents: source, sourcefile: file, loader: 'ts' },
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      outfile: SCRIPT_MODULE,
      sourcemap: 'external',
      sourcesContent: false,
      logLevel: 'silent',
      plugins: [onlyTheDsl],
    });
    const js = r.outputFiles.find((f) => f.path.endsWith('.js'));
    const map = r.outputFiles.find((f) => f.path.endsWith('.map'));
    if (js === undefined || map === undefined) throw new Error('esbuild produced no output');
    return { code: js.text, map: map.text };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      // A forbidden import is the clearer message when both kinds are present.
      throw toScriptError(file, errors.find((m) => m.text.startsWith(FORBIDDEN_PREFIX)) ?? errors[0]!);
    }
    throw e;
  }
}
