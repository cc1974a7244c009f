/**
 * A single run that is its own work-estimate pilot (run-pilot.ts, `viommu-lab run` of one spec):
 * the same result, byte for byte, as the run started after a separate pilot; an estimate within a
 * few per cent of the separate pilot's; a refusal stores nothing; the run's own budget stops found
 * before the verdict are the ones a run started after the pilot meets, with the same message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../../common/result';
import type { WorkEstimate } from '../../common/budget';
import { runSimulation } from '../../engine/run';
import { LabStore } from '../../store/store';
import { listExperiments } from '../../store/run-queries';
import { executeRuns, prepareRun } from '../runner';
import { specJson } from '../../../test/support/fake-executor';
import { estimateWork } from './estimate';
import { PILOT_EVENTS } from './estimate-limits';
import { PilotRefusedError } from '../../common/diagnostics';

/** About 430,000 events: the verdict comes at the second poll (131,072 events). */
const long = () => prepareRun({ ...specJson('long'), duration: '1s' });
const acceptAll = (seen: WorkEstimate[] = []) => ({ events: PILOT_EVENTS, refusal: (e: WorkEstimate) => (seen.push(e), []) });

test('a piloted run stores the result of a plain run byte for byte, and judged an estimate within a few per cent of the separate pilot', () => {
  const store = LabStore.open(':memory:');
  try {
    for (const run of [long(), prepareRun(specJson('short'))]) {
      const seen: WorkEstimate[] = [];
      const [r] = executeRuns(store, [run], { experiment: run.spec.name, pilot: acceptAll(seen) });
      const plain = runSimulation(run.spec, run.profile);
      assert.equal(r!.status, 'done');
      assert.equal(canonicalJson(store.getResult(r!.runId)), canonicalJson(plain));
      const separate = estimateWork(run.spec, run.profile);
      assert.equal(seen.length, 1, 'one verdict');
      assert.equal(seen[0]!.eventsBasis, separate.eventsBasis);
      assert.ok(Math.abs(seen[0]!.events / separate.events - 1) < 0.05, `${run.spec.name}: ${seen[0]!.events} vs ${separate.events}`);
      if (separate.eventsBasis === 'exact') assert.equal(seen[0]!.events, plain.events);
    }
  } finally {
    store.close();
  }
});

test('a refused piloted run throws the diagnostics and stores neither the run nor its experiment', () => {
  const store = LabStore.open(':memory:');
  try {
    const refusal = () => [{ kind: 'budget' as const, line: 1, column: 1, message: 'too much' }];
    assert.throws(() => executeRuns(store, [long()], { experiment: 'refused', pilot: { events: PILOT_EVENTS, refusal } }), (e: Error) => e instanceof PilotRefusedError && e.diagnostics[0]!.message === 'too much');
    assert.deepEqual(store.listRuns({}), []);
    assert.deepEqual(listExperiments(store), []);
  } finally {
    store.close();
  }
});

test('a budget stop the run meets before the verdict is the stop of a run after a separate pilot: same status, same message', () => {
  const store = LabStore.open(':memory:');
  try {
    // 50,000 events: the first poll (65,536) is before the verdict, so the stop waits for it.
    for (const maxEvents of [50_000, 200_000]) {
      const run = long();
      const [plain] = executeRuns(store, [run], { experiment: `plain ${maxEvents}`, budgets: { maxEvents } });
      const [piloted] = executeRuns(store, [run], { experiment: `piloted ${maxEvents}`, budgets: { maxEvents }, pilot: acceptAll() });
      assert.equal(plain!.status, 'budget-exceeded');
      assert.equal(piloted!.status, 'budget-exceeded');
      assert.equal(piloted!.error, plain!.error);
    }
    // Cancelled before the verdict: recorded as cancelled, as any run is.
    const [cancelled] = executeRuns(store, [long()], { experiment: 'cancelled', shouldCancel: () => true, pilot: acceptAll() });
    assert.equal(cancelled!.status, 'cancelled');
    assert.equal(store.listRuns({ experiment: 'cancelled' })[0]!.status, 'cancelled');
  } finally {
    store.close();
  }
});
