/** SHA-256 identities of stored results and specs (canonical JSON, so equal content gives equal hashes). */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../common/result';
import type { LabStore } from '../../store/store';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The hash of a stored run's result, exactly as the golden tests hash the engine's result; null if it has none. */
export function resultHash(store: LabStore, runId: number): string | null {
  const r = store.getResult(runId);
  return r === undefined ? null : sha256(canonicalJson(r));
}

export function specHash(spec: unknown): string {
  return sha256(canonicalJson(spec));
}
