// A stand-in engine worker for the pool's out-of-heap path (main/api/budget.test.ts): it answers
// 'ready', then on a run task keeps allocating until V8's heap limit ends the thread.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', () => {
  const hoard = [];
  for (;;) hoard.push(new Array(1024).fill({ x: hoard.length }));
});
parentPort.postMessage({ type: 'ready' });
