/**
 * The DSL as the sandbox sees it: main/script/dsl/runtime.ts bundled by esbuild into one ES
 * module (built once per process). The DSL's own sources, not a copy, so the sandbox and the
 * generated .d.ts cannot drift apart. A packaged app has no sources: there `npm run build` has
 * put the same bundle, dsl-runtime.mjs, next to the app's main bundle.
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

let cached: Promise<string> | undefined;

export function dslRuntimeSource(): Promise<string> {
  const prebuilt = fileURLToPath(new URL('./dsl-runtime.mjs', import.meta.url));
  if (existsSync(prebuilt)) return (cached ??= readFile(prebuilt, 'utf8'));
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
