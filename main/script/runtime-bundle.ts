/**
 * The DSL as the sandbox sees it: main/script/dsl/runtime.ts bundled by esbuild into one ES
 * module (built once per process). The DSL's own sources, not a copy, so the sandbox and the
 * generated .d.ts cannot drift apart.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

let cached: Promise<string> | undefined;

export function dslRuntimeSource(): Promise<string> {
  cached ??= build({
    entryPoints: [fileURLToPath(new URL('./dsl/runtime.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  }).then((r) => r.outputFiles[0]!.text);
  return cached;
}
