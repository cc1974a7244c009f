/**
 * Monaco, bundled locally with its workers (no CDN): the editor, the TypeScript service fed with
 * the DSL's declarations (completion and hover docs), JSON, and the two themes.
 */
import * as monaco from 'monaco-editor';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(moduleId: string, label: string): Worker };
  }
}

const WORKERS: Record<string, string> = { typescript: 'ts', javascript: 'ts', json: 'json' };

export function setupMonaco(dsl: string | null): typeof monaco {
  window.MonacoEnvironment = {
    getWorker: (_id, label) => new Worker(`workers/${WORKERS[label] ?? 'editor'}.js`, { name: label }),
  };
  const ts = monaco.typescript;
  ts.typescriptDefaults.setCompilerOptions({
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    strict: true,
    noEmit: true,
    allowNonTsExtensions: true,
    lib: ['es2022'],
  });
  // Script errors come from the real pipeline (markers with owner "viommu-lab"); the worker's own
  // diagnostics would flag the DSL's module import before the .d.ts is generated.
  ts.typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: dsl === null, noSyntaxValidation: false });
  if (dsl !== null) {
    // As the package's own typings: works for a module-style .d.ts (import from 'viommu-lab'),
    // one that declares the module, or one that declares globals.
    ts.typescriptDefaults.addExtraLib(dsl, 'file:///node_modules/viommu-lab/index.d.ts');
  }
  // JSON specs are checked by the API (syntax and schema, with positions); Monaco's own JSON
  // validation would mark the same syntax error twice.
  monaco.json.jsonDefaults.setDiagnosticsOptions({ validate: false });
  monaco.editor.defineTheme('lab-dark', { base: 'vs-dark', inherit: true, rules: [], colors: { 'editor.background': '#1e1f22' } });
  monaco.editor.defineTheme('lab-light', { base: 'vs', inherit: true, rules: [], colors: {} });
  return monaco;
}

export type Monaco = typeof monaco;
export { monaco };
