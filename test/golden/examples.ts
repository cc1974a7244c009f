/**
 * Every example in resources/examples as prepared runs, keyed "<file>#<index>": the JSON specs,
 * and the scripts that do not restate a JSON twin (a twin's specs are proven identical elsewhere).
 * Shared by the golden test and `npm run golden:update`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareRun, type PreparedRun } from '../../main/api/runner';
import { resourcesDir } from '../../main/api/resources';
import { evaluateScript } from '../../main/script/api';

export async function exampleRuns(): Promise<Map<string, PreparedRun>> {
  const dir = join(resourcesDir(), 'examples');
  const runs = new Map<string, PreparedRun>();
  for (const file of readdirSync(dir).sort()) {
    let specs: unknown[];
    if (file.endsWith('.json') && file !== 'tsconfig.json') {
      const input = JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
      specs = Array.isArray(input) ? input : [input];
    } else if (file.endsWith('.ts') && (file === 'baseline.ts' || !existsSync(join(dir, file.replace(/\.ts$/, '.json'))))) {
      // baseline.ts is a sweep over baseline.json's topology, not its twin; twins are checked by
      // main/script/examples.test.ts to give exactly their JSON's specs.
      specs = (await evaluateScript(readFileSync(join(dir, file), 'utf8'), file, { timeoutMs: 10_000 })).specs;
    } else {
      continue;
    }
    specs.forEach((spec, i) => runs.set(`${file}#${i}`, prepareRun(spec)));
  }
  return runs;
}
