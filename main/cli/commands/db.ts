/** `viommu-lab db check [--db FILE]`: SQLite's full integrity check on a private copy of the file, in one verdict. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkDatabase } from '../../store/check';
import { defaultDbPath } from '../../store/paths';
import { CliError } from '../errors';
import type { CliIO } from '../io';

import { dbUsage } from '../usage';

export { dbUsage };

export function dbCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { db: { type: 'string' } } });
  if (positionals.length !== 1 || positionals[0] !== 'check') throw new CliError(`usage: ${dbUsage}`, 2);
  const path = values.db ?? defaultDbPath();
  if (!existsSync(path)) throw new CliError(`${path}: no such database`);
  const verdict = checkDatabase(path);
  if (verdict.ok) {
    io.out(`${path}: ok (integrity_check passed; ${verdict.runs} runs)\n`);
    return 0;
  }
  io.out(`${path}: damaged: ${verdict.problems.slice(0, 10).join('; ')}${verdict.problems.length > 10 ? `; and ${verdict.problems.length - 10} more` : ''}\n`);
  io.err(`viommu-lab: ${path} is damaged; restore a backup, or recover what SQLite can read with \`sqlite3 ${path} .recover | sqlite3 recovered.sqlite\`\n`);
  return 1;
}
