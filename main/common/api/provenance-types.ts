/** Response types of the provenance and profile-browser operations. */

export interface RunProvenance {
  engineVersion: string;
  configHash: string;
  /** SHA-256 of the canonical spec JSON. */
  specHash: string;
  /** SHA-256 of the canonical result JSON; null for a run without a result. */
  resultHash: string | null;
  /** The script its experiment was last run from (TypeScript or JSON), when stored. */
  source: string | null;
}

export interface ProfileParamInfo {
  name: string;
  value: number;
  unit: string;
  /** What the parameter means (its declaration). */
  doc: string;
  source: string;
  /** The profile in the chain that set the value. */
  from: string;
}

export interface ProfileInfo {
  id: string;
  description: string;
  extends: string | null;
  chain: string[];
  params: ProfileParamInfo[];
}
