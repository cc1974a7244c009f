/** A numbered schema migration: SQL applied once, in order, inside a transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: string;
  /**
   * The tables and indexes whose presence says the migration ran (default: every object its SQL
   * creates). A migration that rebuilds a table under a temporary name lists what remains.
   */
  readonly objects?: readonly string[];
  /** Runs with foreign keys off (a table rebuild: dropping the old table must not cascade); checked with foreign_key_check after. */
  readonly foreignKeysOff?: boolean;
}
