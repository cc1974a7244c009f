/** Spec validation with errors that name the JSON path and say what is wrong. */
import type { z } from 'zod';
import { guardSpecInput } from './input-guard';

export interface SpecIssue {
  /** JSON path, e.g. "devices[0].workload.granule". */
  path: string;
  message: string;
}

export class SpecError extends Error {
  constructor(readonly issues: SpecIssue[]) {
    super(issues.map((i) => `${i.path || '(spec)'}: ${i.message}`).join('; '));
    this.name = 'SpecError';
  }
}

export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}

export function zodIssues(error: z.ZodError): SpecIssue[] {
  return error.issues.flatMap((i) => {
    let message = i.message;
    if (i.code === 'unrecognized_keys') message = `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    if (i.code === 'invalid_union' && i.unionErrors.length > 0) {
      // Report every issue of the branch the input meant (its `kind` matched), else of the one
      // that got furthest — not "Invalid input", and not the first branch's kind mismatch.
      const best = [...i.unionErrors].sort((a, b) => Number(kindMismatch(a)) - Number(kindMismatch(b)) || depth(b) - depth(a))[0];
      if (best !== undefined) return zodIssues(best);
    }
    return [{ path: formatPath(i.path), message }];
  });
}

function depth(e: z.ZodError): number {
  return Math.max(0, ...e.issues.map((i) => i.path.length));
}

/** The branch refused the input's `kind`: it is not the branch the input is written for. */
function kindMismatch(e: z.ZodError): boolean {
  return e.issues.some((i) => i.code === 'invalid_literal' && i.path[i.path.length - 1] === 'kind');
}

/** Validates untrusted input with a schema (the catalog's spec schema); throws SpecError with every issue. */
export function parseWith<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, input: unknown): T {
  const guard = guardSpecInput(input);
  if (guard !== undefined) throw new SpecError([guard]);
  const r = schema.safeParse(input);
  if (!r.success) throw new SpecError(zodIssues(r.error));
  return r.data;
}
