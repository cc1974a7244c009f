#!/usr/bin/env node
// Entry point for `npx viommu-lab`: the CLI bundled by esbuild (scripts/cli-bundle.mjs builds it on
// the first run and again whenever one of its sources changed), or the TypeScript sources through
// tsx's loader when it cannot be built here or VIOMMU_LAB_CLI=source asks for them.
import { createRequire } from 'node:module';

async function loadMain() {
  if (process.env.VIOMMU_LAB_CLI !== 'source') {
    const { cliBundle } = await import('../scripts/cli-bundle.mjs');
    const bundle = await cliBundle();
    if (bundle !== null) return createRequire(import.meta.url)(bundle).main;
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../main/cli/main.ts')).main;
}

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
