/**
 * What the packaged app sets up before anything runs, given Electron's `process.resourcesPath`:
 * where the shipped resources are (electron-builder's extraResources, outside the asar), and
 * esbuild's native binary as a real file. esbuild spawns its binary with `child_process.spawn`,
 * which Electron does not let through the asar (only execFile is asar-aware), so it is pointed at
 * the copy electron-builder unpacked (`asarUnpack`). No Electron import: tests run it under Node.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { unpackedPath } from '../common/asar';

/** esbuild's platform package and the binary inside it (esbuild's own naming). */
function esbuildBinary(platform: NodeJS.Platform, arch: string): string {
  return platform === 'win32' ? `@esbuild/win32-${arch}/esbuild.exe` : `@esbuild/${platform}-${arch}/bin/esbuild`;
}

/** `fromFile` is a file of the app (the bundled main script): packages resolve from there. */
export function applyPackagedEnvironment(resourcesPath: string, fromFile: string, env: NodeJS.ProcessEnv = process.env): void {
  env.VIOMMU_LAB_RESOURCES ||= join(resourcesPath, 'resources');
  if (!env.ESBUILD_BINARY_PATH) {
    try {
      const esbuildMain = createRequire(fromFile).resolve('esbuild');
      env.ESBUILD_BINARY_PATH = unpackedPath(createRequire(esbuildMain).resolve(esbuildBinary(process.platform, process.arch)));
    } catch {
      // An unknown platform package: esbuild reports its own error when a script is first run.
    }
  }
}
