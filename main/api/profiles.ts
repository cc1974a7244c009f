/**
 * Loads the cost-profile files from resources/profiles, adds the "base" profile the catalogue
 * builds from the declared values (core and every registered model), and resolves one with
 * overrides (reading only that profile's chain of files).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
    const file = readProfileFile(join(dir, name), name);
    files.set(file.id, file);
  }
  if (dir === join(resourcesDir(), 'profiles')) cache = files;
  return files;
}

/** One profile file, checked against the schema, the base profile's id and its file name. */
function readProfileFile(path: string, name: string): ProfileFile {
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
  return parsed.data;
}

/**
 * The files of `id` and the profiles it extends, read alone (a run needs no other, and reading and
 * validating every file was a few ms of each CLI run's start); undefined when one of them has no
 * file, so that resolveProfile's error can name every known profile.
 */
function chainFiles(id: string): Map<string, ProfileFile> | undefined {
  if (cache !== undefined) return cache;
  const dir = join(resourcesDir(), 'profiles');
  const files = new Map<string, ProfileFile>([[catalog.baseProfile.id, catalog.baseProfile]]);
  // A cycle ends at a profile already read; resolveProfile reports it.
  for (let cur: string | undefined = id; cur !== undefined && !files.has(cur); ) {
    const name = `${cur}.json`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(cur) || !existsSync(join(dir, name))) return undefined;
    const file = readProfileFile(join(dir, name), name);
    files.set(file.id, file);
    cur = file.extends;
  }
  return files;
}

export function loadProfile(id: string, overrides: Record<string, number | string> = {}): ResolvedProfile {
  return resolveProfile(catalog.params, chainFiles(id) ?? loadProfileFiles(), id, overrides);
}
