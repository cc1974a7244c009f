/** Every migration, in order. Add one file per schema change and list it here. */
import { migration as m0001 } from './0001-initial';
import { migration as m0002 } from './0002-workbench';
import { migration as m0003 } from './0003-notebooks';
import { migration as m0004 } from './0004-budget-status';
import type { Migration } from './types';

export const migrations: readonly Migration[] = [m0001, m0002, m0003, m0004];
