/**
 * Type-checks a script against resources/viommu-lab.d.ts with the TypeScript compiler, the way
 * the editor does: a misspelled option, a wrong unit string or an unknown model kind is a type
 * error at its line:column. Slow to start (it loads the compiler), so it is opt-in: `check`
 * uses it; `run` relies on the sandbox and the schema.
 */
import ts from 'typescript';
import { resolve } from 'node:path';
import { resourcesDir } from './resources';
import type { ScriptDiagnostic } from './diagnostic';

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: false,
};

export function dtsPath(): string {
  return resolve(resourcesDir(), 'viommu-lab.d.ts');
}

/** Every type error in the script (empty when it type-checks), with 1-based positions. */
export function typeCheck(source: string, file: string): ScriptDiagnostic[] {
  const scriptPath = resolve('/__viommu_lab_script__', file.replace(/^.*[\\/]/, '').replace(/\.m?ts$/, '') + '.ts');
  const options = { ...COMPILER_OPTIONS, baseUrl: '/', paths: { 'viommu-lab': [dtsPath()] } };
  const host = ts.createCompilerHost(options);
  const { readFile, fileExists, getSourceFile } = host;
  host.fileExists = (f) => f === scriptPath || fileExists.call(host, f);
  host.readFile = (f) => (f === scriptPath ? source : readFile.call(host, f));
  host.getSourceFile = (f, lang, onError) => (f === scriptPath ? ts.createSourceFile(f, source, lang, true) : getSourceFile.call(host, f, lang, onError));
  const program = ts.createProgram([scriptPath], options, host);
  const sf = program.getSourceFile(scriptPath)!;
  return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
      const end = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start + Math.max(1, d.length ?? 1)) : { line: pos.line, character: pos.character + 1 };
      return { kind: 'type', file, line: pos.line + 1, column: pos.character + 1, endLine: end.line + 1, endColumn: end.character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]! };
    });
}
