// The memory a budget is checked against is V8's heap in use plus external memory of this
// thread's isolate (what getHeapStatistics reports), not the process's resident set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics } from 'node:v8';
import { threadMemoryBytes } from './budget-meter';

test('threadMemoryBytes is used_heap_size + external_memory of this isolate', () => {
  // Garbage that stays reachable between the readings, so both see about the same heap.
  const keep = Array.from({ length: 50_000 }, (_, i) => ({ i }));
  const before = getHeapStatistics();
  const ours = threadMemoryBytes();
  const after = getHeapStatistics();
  const lo = Math.min(before.used_heap_size, after.used_heap_size) + Math.min(before.external_memory, after.external_memory);
  const hi = Math.max(before.used_heap_size, after.used_heap_size) + Math.max(before.external_memory, after.external_memory);
  // The readings are a few allocations apart (the objects the calls themselves make).
  assert.ok(ours >= lo - 256 * 1024 && ours <= hi + 256 * 1024, `${ours} not within [${lo}, ${hi}]`);
  assert.ok(ours < process.memoryUsage().rss, 'below the resident set');
  assert.equal(keep.length, 50_000);
});
