import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DONE_FALSE, Environment } from '../../kernel';
import { RadixPageTable, tablePageAllocator } from '../../mem/radix-page-table';
import { InPlacePtes } from './in-place-ptes';
import { Vcpu } from '../../machine/vcpu';

/** The table side alone, as a driver extends it. */
class TableOnly extends InPlacePtes {
  constructor(
    env: Environment,
    private readonly table: RadixPageTable,
  ) {
    super(env, 20);
  }
  protected pageTable(): RadixPageTable {
    return this.table;
  }
}

const P = 4096;

test('in-place PTE writes: a map costs its leaves and the tables it adds, an unmap its clears, known beforehand; a table that cannot grow refuses the map', () => {
  // Room for the root and three more table pages: one 4-level path.
  const table = new RadixPageTable(4, tablePageAllocator(0x1000_0000, 4 * P, 't'));
  const env = new Environment(1);
  const ptes = new TableOnly(env, table);
  const cpu = new Vcpu(env, 'vm0', 0);
  assert.equal(ptes.mapPagesNs(cpu, 0x10_0000, 0x8000_0000, 2 * P, 'to-device'), (2 + 3) * 20, 'two leaves and the three tables under the root');
  assert.equal(ptes.mapPagesNs(cpu, 0x10_2000, 0x8000_2000, P, 'to-device'), 20, 'one leaf, the path exists');
  assert.equal(ptes.unmapPagesCostNs(cpu, 0x10_0000, 4 * P), 3 * 20, 'three of the four pages are mapped');
  assert.equal(table.leafCount, 3, 'costing cleared nothing');
  assert.equal(ptes.unmapPagesNs(cpu, 0x10_0000, 4 * P), 3 * 20);
  assert.equal(ptes.unmapPagesCostNs(cpu, 0x10_0000, 4 * P), 0);
  // A page under another level-1 slot needs tables the allocator no longer has.
  assert.equal(ptes.mapPagesNs(cpu, 2 ** 39, 0x8000_0000, P, 'to-device'), -1);
  assert.equal(ptes.mapPages(cpu, 2 ** 39, 0x8000_0000, P, 'to-device'), DONE_FALSE);
});
