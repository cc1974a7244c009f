/**
 * What the host accepts from the sandbox: the DSL's expansion, re-validated here as untrusted
 * plain data (the script runs in the same interpreter as the DSL and can forge its answer), with
 * caps on the sweep checked before anything is expanded on the host.
 */
import { z } from 'zod';
import { MAX_REPLICATIONS, MAX_RUNS } from './dsl/limits';

export { MAX_REPLICATIONS, MAX_RUNS };

const site = z.object({ line: z.number().int().min(1), column: z.number().int().min(1) }).strict();
const pointValue = z.union([z.number(), z.string(), z.boolean()]);

export const expansionSchema = z
  .object({
    name: z.string().max(200),
    description: z.string().max(10_000).optional(),
    seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    replications: z.number().int().min(1).max(MAX_REPLICATIONS),
    points: z
      .array(
        z
          .object({
            spec: z.record(z.unknown()),
            sites: z.array(z.tuple([z.string().max(1000), site])).max(100_000),
            point: z.record(pointValue),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_RUNS),
    usedSets: z.array(z.string()).max(1000),
    site: site.optional(),
  })
  .strict();

export type CheckedExpansion = z.output<typeof expansionSchema>;
