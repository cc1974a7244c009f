/**
 * The host side of a run's wall-time and memory budgets (main/common/budget.ts): a check the
 * engine polls every ~65k events (it reads no clock itself). Memory is what the calling thread
 * holds — its JS heap plus the array buffers the engine's sparse tables live in — read from V8,
 * so in a pool worker it is that worker's isolate, in the CLI the whole process.
 */
import { getHeapStatistics } from 'node:v8';
import type { BudgetStop, Budgets } from '../common/budget';

/** Heap in use plus external (array buffer) memory of this thread's isolate, in bytes. */
export function threadMemoryBytes(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/** A budget check for one run, its wall clock started now. */
export function hostBudgetCheck(b: Pick<Budgets, 'maxWallMs' | 'maxMemoryBytes'>, memory: () => number = threadMemoryBytes): () => BudgetStop | null {
  const started = performance.now();
  return () => {
    const wall = performance.now() - started;
    if (wall > b.maxWallMs) return { budget: 'wall', limit: b.maxWallMs, used: wall };
    const bytes = memory();
    if (bytes > b.maxMemoryBytes) return { budget: 'memory', limit: b.maxMemoryBytes, used: bytes };
    return null;
  };
}
