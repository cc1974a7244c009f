/** Preferences that survive a restart (layout, theme, toggles), in localStorage under one versioned key. */
import type { RunQuery } from '../../main/common/api';

const KEY = 'viommu-lab.prefs.v1';

export interface Prefs {
  theme: 'light' | 'dark';
  view: 'editor' | 'runs' | 'compare' | 'diff' | 'notebook' | 'profiles';
  sidebarWidth: number;
  jobsHeight: number;
  problemsHeight: number;
  runColumns: string[];
  runSort: { key: string; dir: 'asc' | 'desc' };
  diffOnlyDifferences: boolean;
  /** group: bars grouped by this parameter (''); baseline: the configuration key values are divided by (''). */
  chart: { kind: string; metric: string; x: string; log: boolean; group?: string; baseline?: string };
  lastFile: string | null;
  /** The saved script open at the last session's end (it wins over lastFile, an example). */
  lastScript: string | null;
  /** The last comparison: its query and how it was described. */
  compare: { query: RunQuery; description: string } | null;
  notebookId: number | null;
  /** Comparisons saved by name: the query and the chart settings, reopened from Compare's list. */
  savedComparisons: SavedComparison[];
}

export interface SavedComparison {
  name: string;
  query: RunQuery;
  description: string;
  chart: Prefs['chart'];
}

const defaults: Prefs = {
  theme: 'dark',
  view: 'editor',
  sidebarWidth: 260,
  jobsHeight: 150,
  problemsHeight: 110,
  runColumns: ['id', 'name', 'experiment', 'status', 'point', 'replication', 'events', 'wallMs', 'createdAt', 'tags'],
  runSort: { key: 'id', dir: 'desc' },
  diffOnlyDifferences: true,
  chart: { kind: 'bar', metric: '', x: '', log: false },
  lastFile: null,
  lastScript: null,
  compare: null,
  notebookId: null,
  savedComparisons: [],
};

let cache: Prefs | null = null;

export function prefs(): Prefs {
  if (cache) return cache;
  let stored: Partial<Prefs> = {};
  try {
    stored = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Prefs>;
  } catch {
    stored = {};
  }
  cache = { ...defaults, ...stored, chart: { ...defaults.chart, ...(stored.chart ?? {}) } };
  return cache;
}

export function setPref<K extends keyof Prefs>(key: K, value: Prefs[K]): void {
  const p = prefs();
  p[key] = value;
  try {
    localStorage.setItem(KEY, JSON.stringify(p));
  } catch {
    // storage full or disabled: preferences stay for this session only
  }
}
