/**
 * Loads the cost-profile files from resources/profiles, adds the "base" profile the catalogue
 * builds from the declared values (core and every registered model), and resolves one with
 * overrides.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { profileFileSchema, resolveProfile, type ProfileFile, type ResolvedProfile } from '../common/profile/profile';
import { formatPath } from '../common/spec/validate';
import { resourcesDir } from './resources';
import { catalog } from '../engine/catalog';

let cache: Map<string, ProfileFile> | undefined;

export function loadProfileFiles(dir = join(resourcesDir(), 'profiles')): Map<string, ProfileFile> {
  if (cache !== undefined && dir === join(resourcesDir(), 'profiles')) return cache;
  const files = new Map<string, ProfileFile>([[catalog.baseProfile.id, catalog.baseProfile]]);
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const path = join(dir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
    }
    const parsed = profileFileSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new Error(`${path}: ${formatPath(i.path) || '(file)'}: ${i.message}`);
    }
    if (parsed.data.id === catalog.baseProfile.id) throw new Error(`${path}: "${parsed.data.id}" is the profile built from the declared base values; a profile file extends it instead`);
    if (`${parsed.data.id}.json` !== name) throw new Error(`${path}: profile id "${parsed.data.id}" does not match its file name`);
    files.set(parsed.data.id, parsed.data);
  }
  if (dir === join(resourcesDir(), 'profiles')) cache = files;
  return files;
}

export function loadProfile(id: string, overrides: Record<string, number | string> = {}): ResolvedProfile {
  return resolveProfile(catalog.params, loadProfileFiles(), id, overrides);
}
