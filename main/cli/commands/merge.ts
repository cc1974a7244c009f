/** `viommu-lab merge OUT.sqlite SHARD.sqlite… [--allow-engine-version]`: merges stores, atomically. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ENGINE_VERSION } from '../../common/result';
import { mergeStores } from '../../store/merge';
import { StoreError } from '../../common/store-errors';
import { openStore } from '../db';
import { CliError } from '../errors';
import type { CliIO } from '../io';

import { mergeUsage } from '../usage';

export { mergeUsage };

export function mergeCommand(argv: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'allow-engine-version': { type: 'boolean', default: false } } });
  if (positionals.length < 2) throw new CliError(`usage: ${mergeUsage}`, 2);
  const [out, ...shards] = positionals as [string, ...string[]];
  for (const s of shards) if (!existsSync(s)) throw new CliError(`${s}: no such store to merge`);
  const store = openStore(out, io);
  try {
    const r = mergeStores(store, shards, { engineVersion: ENGINE_VERSION, allowOtherEngineVersion: values['allow-engine-version'] });
    io.err(`merged ${shards.length} store${shards.length > 1 ? 's' : ''} into ${out}: ${r.copied} runs copied, ${r.identical} identical twins kept once${r.unfinishedCopied + r.unfinishedSkipped > 0 ? `, ${r.unfinishedCopied} unfinished runs copied, ${r.unfinishedSkipped} skipped` : ''}\n`);
    return 0;
  } catch (e) {
    if (e instanceof StoreError) throw new CliError(e.message);
    throw e;
  } finally {
    store.close();
  }
}
