/** A flat diff of two JSON values (specs): one entry per leaf path, marked same or different. */
import type { DiffEntry } from '../common/api/types';

function flatten(v: unknown, path: string, out: Map<string, unknown>): void {
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.map((x, i) => [`[${i}]`, x] as const) : Object.entries(v).map(([k, x]) => [path ? `.${k}` : k, x] as const);
    if (entries.length === 0) out.set(path, Array.isArray(v) ? [] : {});
    for (const [seg, x] of entries) flatten(x, path + seg, out);
  } else out.set(path, v);
}

export function diffValues(a: unknown, b: unknown): DiffEntry[] {
  const fa = new Map<string, unknown>();
  const fb = new Map<string, unknown>();
  flatten(a, '', fa);
  flatten(b, '', fb);
  const paths = [...new Set([...fa.keys(), ...fb.keys()])];
  return paths.map((path) => {
    const va = fa.has(path) ? fa.get(path) : undefined;
    const vb = fb.has(path) ? fb.get(path) : undefined;
    return { path, a: va ?? null, b: vb ?? null, same: JSON.stringify(va) === JSON.stringify(vb) };
  });
}
