/**
 * The stream table of one SMMU instance (linear or 2-level) and the context-descriptor table
 * of a stage-1 configuration (linear or 2-level), with exact memory and the number of memory
 * reads a configuration fetch costs.
 *
 * Models: STEs of 64 B indexed by SID; 2-level tables of 256-STE leaves allocated on touch;
 * a CD table whose pointer is an IPA when stage 2 is enabled (so every CD-table read is itself
 * a stage-2 walk — the nested walk adds those reads).
 * Does not model: STE field encodings, substream-ID widths beyond what the memory needs.
 */
import { CD_BYTES, CTXDESC_SPLIT, L1_DESC_BYTES, STE_BYTES, STRTAB_SPLIT } from './linux-constants';

export type TableFormat = 'linear' | '2-level';

export class StreamTable<E> {
  private readonly entries = new Map<number, E>();
  private readonly leaves = new Set<number>();

  constructor(
    readonly format: TableFormat,
    readonly sidBits: number,
  ) {
    if (!Number.isInteger(sidBits) || sidBits < 1 || sidBits > 32) throw new RangeError(`sidBits must be 1..32, got ${sidBits}`);
  }

  install(sid: number, entry: E): void {
    this.checkSid(sid);
    this.entries.set(sid, entry);
    if (this.format === '2-level') this.leaves.add(sid >>> STRTAB_SPLIT);
  }

  remove(sid: number): void {
    this.entries.delete(sid);
  }

  get(sid: number): E | undefined {
    return this.entries.get(sid);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Memory reads to fetch one STE: the STE itself, plus the level-1 descriptor for a 2-level table. */
  get fetchReads(): number {
    return this.format === 'linear' ? 1 : 2;
  }

  /** Exact bytes: a linear table covers every SID; a 2-level one has the level-1 array plus the leaves touched. */
  get bytes(): number {
    if (this.format === 'linear') return 2 ** this.sidBits * STE_BYTES;
    const l1 = 2 ** Math.max(0, this.sidBits - STRTAB_SPLIT) * L1_DESC_BYTES;
    return l1 + this.leaves.size * 2 ** STRTAB_SPLIT * STE_BYTES;
  }

  private checkSid(sid: number): void {
    if (!Number.isInteger(sid) || sid < 0 || sid >= 2 ** this.sidBits) throw new RangeError(`SID ${sid} is outside the ${this.sidBits}-bit stream table`);
  }
}

/** A stage-1 context-descriptor table: how many table reads (each translated by stage 2 when nested) a CD fetch takes, and its bytes. */
export class CdTable {
  constructor(
    readonly format: TableFormat,
    /** CDs the table holds (substreams + 1). */
    readonly entries = 1,
  ) {}

  /** Reads of CD-table memory to fetch one CD: the CD, plus its level-1 descriptor when 2-level. */
  get tableReads(): number {
    return this.format === 'linear' ? 1 : 2;
  }

  get bytes(): number {
    if (this.format === 'linear') return this.entries * CD_BYTES;
    const leaves = Math.ceil(this.entries / 2 ** CTXDESC_SPLIT);
    return leaves * L1_DESC_BYTES + leaves * 2 ** CTXDESC_SPLIT * CD_BYTES;
  }
}
