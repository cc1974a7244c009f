/** A numbered schema migration: SQL applied once, in order, inside a transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: string;
}
