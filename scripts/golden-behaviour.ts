// `node --import tsx scripts/golden-behaviour.ts > out.json`: the SHA-256 of every example's
// result with the kernel's event count removed (`events`, `sim.events`). A change that only
// alters how many queue entries a run takes (merged delays, synchronous grants) leaves these
// hashes unchanged while test/golden/results.json moves; compare two checkouts' outputs to
// show that a golden update changed event counts and nothing else.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../main/common/result';
import { runSimulation } from '../main/engine/run';
import { exampleRuns } from '../test/golden/examples';

const only = process.argv[2];
const hashes: Record<string, string> = {};
for (const [key, run] of await exampleRuns()) {
  if (only !== undefined && !key.includes(only)) continue;
  const r = runSimulation(run.spec, run.profile);
  const { events: _events, ...rest } = r;
  const scalars = { ...rest.scalars };
  delete scalars['sim.events'];
  hashes[key] = createHash('sha256').update(canonicalJson({ ...rest, scalars })).digest('hex');
}
process.stdout.write(JSON.stringify(hashes, null, 2) + '\n');
