// Runs every *.test.ts under main/, renderer/, bench/, scripts/ and test/ with Node's test runner
// through tsx. Extra arguments filter the files by substring (e.g. `node scripts/test.mjs kernel`).
// The last lines list every skipped test or suite with its reason (a missing Chromium skips the
// end-to-end suites — except under CI, where they fail: test/e2e/harness.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const roots = ['main', 'renderer', 'bench', 'scripts', 'test'];
const skip = new Set(['node_modules', 'dist', 'app']);
function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (skip.has(e)) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2);
const files = roots.flatMap((r) => walk(r, [])).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
if (files.length === 0) {
  console.error('no test files match');
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), 'viommu-test-'));
const skipsFile = join(tmp, 'skips.jsonl');
const reporter = new URL('./skip-reporter.mjs', import.meta.url).href;
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${reporter}`, `--test-reporter-destination=${skipsFile}`, ...files],
  { stdio: 'inherit' },
);
let skipped = [];
try {
  skipped = readFileSync(skipsFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
} catch {
  // no skips file: the runner did not start
}
rmSync(tmp, { recursive: true, force: true });
if (skipped.length > 0) {
  console.log(`\nskipped ${skipped.length} test${skipped.length === 1 ? '' : 's'} or suite${skipped.length === 1 ? '' : 's'}:`);
  for (const s of skipped) console.log(`  ${s.file ? relative(process.cwd(), s.file) : '?'}: "${s.name}" — ${s.reason || 'no reason given'}`);
} else {
  console.log('\nnothing skipped');
}
process.exit(r.status ?? 1);
