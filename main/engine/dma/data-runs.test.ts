import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataRuns, runSpan, runStride, WIDE_RUN_STRIDE } from './data-runs';

const MiB = 2 ** 20;

function check(bytes: number, segments: number, room: number): { stride: number; span: number } {
  const stride = runStride(bytes, segments, room);
  const span = runSpan(bytes, segments, stride);
  const runs = dataRuns(0, bytes, segments, stride);
  assert.equal(runs.reduce((n, r) => n + r.bytes, 0), bytes, 'the runs hold the request');
  for (let i = 1; i < runs.length; i++) assert.ok(runs[i]!.gpa > runs[i - 1]!.gpa + runs[i - 1]!.bytes, 'never adjacent, never overlapping');
  const last = runs[runs.length - 1]!;
  assert.ok(last.gpa + last.bytes <= span, 'inside the span');
  assert.ok(span <= room, 'the span fits the room');
  return { stride, span };
}

test('runs sit 2 MiB apart where that fits, a page more than a run apart where it does not', () => {
  assert.deepEqual(check(64 * 1024, 4, 2048 * MiB), { stride: WIDE_RUN_STRIDE, span: 3 * WIDE_RUN_STRIDE + 16 * 1024 });
  assert.equal(check(64 * 1024, 1, 32 * MiB).stride, 0, 'one run: no stride');
  // 256 runs of a 16 MiB request in the smallest VM (32 MiB of room): tight.
  assert.equal(check(16 * MiB, 256, 32 * MiB).stride, (16 + 1) * 4096);
  // Runs longer than 2 MiB are spaced by their length and a page, not overlapped.
  assert.equal(check(16 * MiB, 2, 2048 * MiB).stride, 8 * MiB + 4096);
  // More runs than pages: one per page.
  assert.equal(dataRuns(0, 8192, 256, runStride(8192, 256, 32 * MiB)).length, 2);
});
