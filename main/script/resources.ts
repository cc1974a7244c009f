/**
 * Locates the shipped resources (profiles, examples, the DSL's .d.ts) from the source tree or a
 * packaged app. It lives in main/script, the lowest Node-side layer that needs it (the type check
 * reads the .d.ts); the API reaches it through main/api/resources.ts.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function resourcesDir(): string {
  if (cached !== undefined) return cached;
  const fromEnv = process.env.VIOMMU_LAB_RESOURCES;
  if (fromEnv) return (cached = resolve(fromEnv));
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, 'profiles'))) return (cached = candidate);
    dir = dirname(dir);
  }
  throw new Error('cannot find the resources folder (profiles, examples); set VIOMMU_LAB_RESOURCES');
}
