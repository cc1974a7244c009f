/**
 * The registry of cost-profile parameters: every latency, bandwidth and size the engine charges
 * is declared here with its unit and one-line meaning; profiles in resources/profiles give the
 * values and their sources. Model issues declare their own in a file beside this one and import
 * it in profile/all.ts.
 */

export interface ParamDef {
  readonly name: string;
  readonly unit: 'ns' | 'bytes' | 'bytes/ns' | 'count' | 'ratio' | 'ns/page' | 'ns/byte';
  readonly doc: string;
}

const defs = new Map<string, ParamDef>();

export function declareParams(list: readonly ParamDef[]): void {
  for (const d of list) {
    if (defs.has(d.name)) throw new Error(`profile parameter ${d.name} declared twice`);
    if (!/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(d.name)) throw new Error(`profile parameter name ${d.name} must be dotted lower-case`);
    defs.set(d.name, d);
  }
}

export function paramDef(name: string): ParamDef | undefined {
  return defs.get(name);
}

export function allParamDefs(): ParamDef[] {
  return [...defs.values()].sort((a, b) => a.name.localeCompare(b.name));
}
