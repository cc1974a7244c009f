/**
 * The host side of a run's wall-time and memory budgets (main/common/budget.ts): a check the
 * engine polls every ~65k events (it reads no clock itself). Memory is what the calling thread
 * holds — its JS heap plus the array buffers the engine's sparse tables live in — read from V8,
 * so in a pool worker it is that worker's isolate, in the CLI the whole process.
 */
import type { BudgetStop, Budgets } from '../common/budget';
import { monotonicMs } from './wall-clock';

/**
 * Heap in use plus external (array buffer) memory of this thread's isolate, in bytes: V8's
 * used_heap_size + external_memory, which process.memoryUsage() reports as heapUsed + external
 * (read through it rather than node:v8's getHeapStatistics, whose module costs every CLI start ~1 ms).
 */
export function threadMemoryBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** A budget check for one run, its wall clock started now. */
export function hostBudgetCheck(b: Pick<Budgets, 'maxWallMs' | 'maxMemoryBytes'>, memory: () => number = threadMemoryBytes): () => BudgetStop | null {
  const started = monotonicMs();
  return () => {
    const wall = monotonicMs() - started;
    if (wall > b.maxWallMs) return { budget: 'wall', limit: b.maxWallMs, used: wall };
    const bytes = memory();
    if (bytes > b.maxMemoryBytes) return { budget: 'memory', limit: b.maxMemoryBytes, used: bytes };
    return null;
  };
}
