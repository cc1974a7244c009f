/**
 * Broken variants of a shipped example, one per diagnostic kind the run pipeline places: a
 * topology the models cannot build (`backing: ['smmu9']`) and a spec field the schema refuses,
 * each as a TypeScript script and as a JSON spec. Shared by the pipeline's unit test (CLI vs
 * service) and the workbench e2e (CLI vs editor marker).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'resources', 'examples');

export interface BadSource {
  file: string;
  source: string;
  kind: 'topology' | 'schema';
  /** What the message must say (the exact text is whatever the CLI prints: the tests compare both). */
  message: RegExp;
  /** Problems the editor lists: the pipeline's marker, plus Monaco's own type error where the bad value is also ill-typed. */
  editorProblems: number;
}

function variant(example: string, from: string, to: string): string {
  const text = readFileSync(join(EXAMPLES, example), 'utf8');
  if (!text.includes(from)) throw new Error(`${example} no longer contains ${JSON.stringify(from)}: update test/support/bad-sources.ts`);
  return text.replace(from, to);
}

export const BAD_SOURCES: BadSource[] = [
  {
    file: 'bad-backing.ts',
    source: variant('smmuv3-forwarding.ts', "backing: ['smmu0']", "backing: ['smmu9']"),
    kind: 'topology',
    editorProblems: 1,
    message: /^vms\[0\]\.viommus\[0\]\.params\.backing\[0\]: no physical SMMUv3 "smmu9" in host\.iommus .*\(sweep point forwarding=per-command\) \(and 1 more sweep point\)$/,
  },
  {
    file: 'bad-memory.ts',
    source: variant('smmuv3-forwarding.ts', "memory: '8GiB'", "memory: '8GB/s'"),
    kind: 'schema',
    message: /^vms\[0\]\.memory: unknown bytes unit "GB\/s"/,
    // '8GB/s' is not a ByteSize either: Monaco's TypeScript service marks it at the same place.
    editorProblems: 2,
  },
  {
    file: 'bad-backing.json',
    source: variant('smmuv3-forwarding.json', '"backing": [\n                "smmu0"', '"backing": [\n                "smmu9"'),
    kind: 'topology',
    editorProblems: 1,
    message: /^\[0\]\.vms\[0\]\.viommus\[0\]\.params\.backing\[0\]: no physical SMMUv3 "smmu9" in host\.iommus/,
  },
  {
    file: 'bad-memory.json',
    source: variant('smmuv3-forwarding.json', '"memory": "8GiB"', '"memory": "8GB/s"'),
    kind: 'schema',
    editorProblems: 1,
    message: /^\[0\]\.vms\[0\]\.memory: unknown bytes unit "GB\/s"/,
  },
];
