// The engine worker's entry when running from source: registers tsx's loader inside the worker
// thread (on Node 20 an --import in a worker's execArgv does not reach its entry module), then
// loads the TypeScript worker. Bundled builds use app/dist/engine-worker.cjs instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
