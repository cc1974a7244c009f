/**
 * Cost profiles: the file format, resolution of `extends` chains and overrides, and the
 * resolved form stored with every run. Pure: the caller supplies the files (the engine never
 * reads the disk).
 */
import { z } from 'zod';
import { ARCHES, type Arch } from '../models/declaration';
import type { ParamCatalog } from './params';

export const profileFileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'profile id: lower-case letters, digits and dashes'),
    description: z.string().min(1),
    arch: z.enum(ARCHES).optional().describe('the host architecture the profile describes (a spec with another host.arch is refused)'),
    extends: z.string().optional(),
    params: z.record(
      z
        .object({
          value: z.number().finite(),
          source: z.string().min(3).describe('where the value comes from (paper, commit, list post), or "estimate: why"'),
        })
        .strict(),
    ),
  })
  .strict();

export type ProfileFile = z.output<typeof profileFileSchema>;

export interface ResolvedParam {
  value: number;
  unit: string;
  source: string;
  /** The profile that set it, or "override". */
  from: string;
}

export interface ResolvedProfile {
  id: string;
  chain: string[];
  /** The host architecture of the most specific profile in the chain that names one. */
  arch?: Arch;
  params: Record<string, ResolvedParam>;
}

export class ProfileError extends Error {}

/**
 * Resolves `id` against `files` (id → file): base first, then each profile that extends it,
 * then overrides. `declared` is the catalogue of parameters (core and registered models); every
 * declared parameter must end up with a value; every name set must be declared (a typo is an
 * error, not a silently unused value).
 */
export function resolveProfile(
  declared: ParamCatalog,
  files: ReadonlyMap<string, ProfileFile>,
  id: string,
  overrides: Record<string, number | string> = {},
): ResolvedProfile {
  const paramDef = (name: string) => declared.get(name);
  const suggest = (name: string) => suggestName(declared, name);
  const chain: ProfileFile[] = [];
  const seen = new Set<string>();
  let cur: string | undefined = id;
  while (cur !== undefined) {
    if (seen.has(cur)) throw new ProfileError(`profile "${cur}" extends itself (cycle: ${[...seen, cur].join(' → ')})`);
    seen.add(cur);
    const file = files.get(cur);
    if (file === undefined) {
      const known = [...files.keys()].sort().join(', ');
      throw new ProfileError(chain.length === 0 ? `unknown profile "${cur}"; known profiles: ${known}` : `profile "${chain[chain.length - 1]!.id}" extends unknown profile "${cur}"`);
    }
    chain.unshift(file);
    cur = file.extends;
  }
  const params: Record<string, ResolvedParam> = {};
  for (const file of chain) {
    for (const [name, p] of Object.entries(file.params)) {
      const def = paramDef(name);
      if (def === undefined) throw new ProfileError(`profile "${file.id}" sets undeclared parameter "${name}"${suggest(name)}`);
      params[name] = { value: p.value, unit: def.unit, source: p.source, from: file.id };
    }
  }
  for (const [name, raw] of Object.entries(overrides)) {
    const def = paramDef(name);
    if (def === undefined) throw new ProfileError(`override of unknown profile parameter "${name}"${suggest(name)}`);
    const value = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new ProfileError(`override ${name}=${String(raw)}: expected a non-negative number in ${def.unit}`);
    params[name] = { value, unit: def.unit, source: 'override', from: 'override' };
  }
  const missing = declared.all().filter((d) => params[d.name] === undefined).map((d) => d.name);
  if (missing.length > 0) throw new ProfileError(`profile "${id}" leaves ${missing.length} parameter(s) without a value: ${missing.join(', ')}`);
  const sorted: Record<string, ResolvedParam> = {};
  for (const k of Object.keys(params).sort()) sorted[k] = params[k]!;
  const arch = [...chain].reverse().find((f) => f.arch !== undefined)?.arch;
  return { id, chain: chain.map((f) => f.id), ...(arch !== undefined ? { arch } : {}), params: sorted };
}

function suggestName(declared: ParamCatalog, name: string): string {
  const names = declared.all().map((d) => d.name);
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = editDistance(n, name);
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best !== undefined && bestD <= 3 ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
