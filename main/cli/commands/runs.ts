/** `viommu-lab runs [--db FILE] [--experiment NAME] [--status S] [--json]` */
import { parseArgs } from 'node:util';
import { RUN_STATUSES } from '../../common/api/schemas';
import type { RunStatus } from '../../store/store';
import { openStore, withStore } from '../db';
import { CliError } from '../errors';
import type { CliIO } from '../io';
import { table } from '../table';


export function parseStatus(s: string | undefined): RunStatus | undefined {
  if (s === undefined) return undefined;
  if (!(RUN_STATUSES as readonly string[]).includes(s)) throw new CliError(`--status ${s}: expected one of ${RUN_STATUSES.join(', ')}`, 2);
  return s as RunStatus;
}

export function runsCommand(argv: string[], io: CliIO): number {
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string' }, experiment: { type: 'string' }, status: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  return withStore(openStore(values.db, io), (store) => {
    const runs = store.listRuns({ experiment: values.experiment, status: parseStatus(values.status) });
    if (values.json) {
      io.out(JSON.stringify(runs, null, 2) + '\n');
      return 0;
    }
    if (runs.length === 0) {
      io.err('no runs match\n');
      return 0;
    }
    io.out(
      table(
        ['id', 'experiment', 'name', 'status', 'point', 'rep', 'seed', 'wall', 'created'],
        runs.map((r) => [
          String(r.id),
          r.experiment,
          r.name,
          r.status,
          Object.entries(r.point)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' '),
          String(r.replication),
          String(r.seed),
          r.wallMs === null ? '' : `${(r.wallMs / 1000).toFixed(2)} s`,
          r.createdAt.replace('T', ' ').slice(0, 19),
        ]),
        ['r', 'l', 'l', 'l', 'l', 'r', 'r', 'r', 'l'],
      ),
    );
    return 0;
  });
}
