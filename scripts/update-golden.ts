// `npm run golden:update`: records the SHA-256 of every example's result (canonical JSON) in
// test/golden/results.json. Run it after a change that is meant to alter results, and say in
// the commit which results moved and why.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { canonicalJson } from '../main/common/result';
import { runSimulation } from '../main/engine/run';
import { exampleRuns } from '../test/golden/examples';

const hashes: Record<string, string> = {};
for (const [key, run] of await exampleRuns()) {
  hashes[key] = createHash('sha256').update(canonicalJson(runSimulation(run.spec, run.profile))).digest('hex');
}
const file = new URL('../test/golden/results.json', import.meta.url);
writeFileSync(file, JSON.stringify(hashes, null, 2) + '\n');
console.error(`recorded ${Object.keys(hashes).length} example results in test/golden/results.json`);
