/**
 * What a cell depends on and whether it is stale. A cell's input key hashes its own content
 * (everything but its id) together with the input keys of the cells it reads, so editing an
 * experiment changes the keys of every chart, table and text cell built on it. A cell is stale
 * when it never ran or ran with another key. Pure: the hash is a small non-cryptographic one
 * (it only has to notice edits; result identity uses SHA-256 elsewhere).
 */
import { canonicalJson } from '../result';
import type { Cell, Notebook } from './schema';

/** 64-bit FNV-1a over UTF-16 code units, as 16 hex digits. */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(16, '0');
}

/** The ids of the cells a cell reads. */
export function dependenciesOf(cell: Cell): string[] {
  return 'input' in cell ? [cell.input] : [];
}

/** Every cell's current input key, top to bottom (a cell reads only cells above it). */
export function inputKeys(nb: Pick<Notebook, 'cells'>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const cell of nb.cells) {
    const { id: _id, ...content } = cell;
    const deps = dependenciesOf(cell).map((d) => keys.get(d) ?? 'missing');
    keys.set(cell.id, fnv1a64(canonicalJson({ content, deps })));
  }
  return keys;
}

export type CellStatus = 'fresh' | 'stale' | 'never-run';

/** Each cell's status: never run, stale (its inputs or an upstream cell changed since it ran) or fresh. */
export function cellStatuses(nb: Pick<Notebook, 'cells' | 'state'>): Map<string, CellStatus> {
  const keys = inputKeys(nb);
  const out = new Map<string, CellStatus>();
  for (const cell of nb.cells) {
    const st = nb.state[cell.id];
    out.set(cell.id, st === undefined ? 'never-run' : st.inputKey === keys.get(cell.id) && st.error === undefined ? 'fresh' : 'stale');
  }
  return out;
}

/** The cells that read `id`, directly or through others. */
export function dependantsOf(nb: Pick<Notebook, 'cells'>, id: string): string[] {
  const hit = new Set([id]);
  const out: string[] = [];
  for (const c of nb.cells) {
    if (dependenciesOf(c).some((d) => hit.has(d))) {
      hit.add(c.id);
      out.push(c.id);
    }
  }
  return out;
}

/** A fresh cell id not used in the notebook. */
export function newCellId(nb: Pick<Notebook, 'cells'>, type: Cell['type']): string {
  const used = new Set(nb.cells.map((c) => c.id));
  for (let i = 1; ; i++) {
    const id = `${type}-${i}`;
    if (!used.has(id)) return id;
  }
}
