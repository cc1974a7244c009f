/** `viommu-lab export csv|json [--db FILE] [--experiment NAME] [--status S] [-o FILE]` */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runsCsv } from '../../report/runs-csv';
import { runsJson } from '../../report/runs-json';
import { openStore, withStore } from '../db';
import { CliError } from '../errors';
import type { CliIO } from '../io';
import { parseStatus } from './runs';

export const exportUsage = 'viommu-lab export csv|json [--db FILE] [--experiment NAME] [--status S] [-o FILE]';

export function exportCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      experiment: { type: 'string' },
      status: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
  });
  if (positionals.length !== 1) throw new CliError(`usage: ${exportUsage}`, 2);
  const format = positionals[0];
  const build = format === 'csv' ? runsCsv : format === 'json' ? runsJson : undefined;
  if (build === undefined) throw new CliError(`export ${format}: expected csv (one row per run) or json (runs with specs and full results)`, 2);
  return withStore(openStore(values.db, io), (store) => {
    const text = build(store, { experiment: values.experiment, status: parseStatus(values.status) });
    if (values.output !== undefined) {
      try {
        writeFileSync(values.output, text);
      } catch (e) {
        throw new CliError(`cannot write ${values.output}: ${(e as Error).message}`);
      }
      io.err(`wrote ${values.output}\n`);
    } else {
      io.out(text);
    }
    return 0;
  });
}
