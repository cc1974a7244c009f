/**
 * The runs view's parameter filter, resolved against the sweep parameters the experiments really
 * have: a name matches exactly, else case-insensitively, else as the only parameter that starts
 * with it (`bitrate` → `bitrate_gbps`); a name that matches none is an error naming the known
 * ones, never a query that quietly finds nothing.
 */
import type { ParamValue } from '../../main/common/api';

export type ResolvedFilter = { ok: true; params: Record<string, ParamValue> } | { ok: false; message: string };

export function resolveParamFilter(parsed: Record<string, ParamValue>, known: readonly string[]): ResolvedFilter {
  const out: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(parsed)) {
    const lower = name.toLowerCase();
    const hit =
      known.find((k) => k === name) ??
      known.find((k) => k.toLowerCase() === lower) ??
      (() => {
        const prefixed = known.filter((k) => k.toLowerCase().startsWith(lower));
        return prefixed.length === 1 ? prefixed[0] : undefined;
      })();
    if (hit === undefined) return { ok: false, message: known.length ? `no sweep parameter "${name}"; these runs have: ${known.join(', ')}` : `no sweep parameter "${name}": these runs sweep no parameters` };
    out[hit] = value;
  }
  return { ok: true, params: out };
}
