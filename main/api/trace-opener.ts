/**
 * The trace-file opener of the Node hosts, installed as the engine's default (installTraceOpener)
 * when this module loads. The modules that build machines load it — the engine host's workers,
 * the in-process executor, the CLI's runner and the topology check — so every run in such a
 * process can replay a trace; Electron's main thread, which builds no machine, never loads it.
 */
import type { TraceOpener } from '../common/trace/reader';
import { installTraceOpener } from '../engine/run';
import { openTraceFile } from './trace-files';

export const traceOpener: TraceOpener = openTraceFile;
installTraceOpener(traceOpener);
