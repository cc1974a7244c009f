/**
 * Reads a script or spec file and puts it through the run pipeline (main/api/pipeline), the
 * same one the workbench uses: every problem becomes one line `file:line:column: message [kind]`,
 * exactly the diagnostic the editor shows as a marker. The topology check runs here, in-process:
 * the CLI is not Electron's main thread.
 */
import { readFileSync } from 'node:fs';
import { formatDiagnostic } from '../common/diagnostics';
import { isScriptFile, prepareSource, type SourceInput } from '../api/pipeline/pipeline';
import type { PreparedRun } from '../api/pipeline/prepared';
import type { RunPilot } from '../api/pipeline/pipeline';
import type { WorkEstimate } from '../common/budget';
import { inProcessChecker } from '../api/pipeline/topology-check';
import type { TopologyChecker } from '../api/pipeline/checker';
import { evaluateScript } from '../script/api';
import { CliError } from './errors';
import type { CliIO } from './io';

export interface PreparedFile {
  source: string;
  experiment: string;
  description?: string;
  runs: PreparedRun[];
  /** Each run's work estimate (the pipeline's budget stage). */
  estimates: WorkEstimate[];
  /** With `pilotInRun` and a single run: its pilot, to be made from the run itself. */
  runPilot?: RunPilot;
}

/** `checker` makes the topology checks and work estimates (in-process unless a command has engine workers for them). */
export async function prepareFile(file: string, opts: Omit<SourceInput, 'file' | 'source'>, io: CliIO, checker: TopologyChecker = inProcessChecker): Promise<PreparedFile> {
  if (!isScriptFile(file) && !file.endsWith('.json')) throw new CliError(`${file}: expected a .ts script or a .json spec`, 2);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const o = await prepareSource({ ...opts, file, source }, { evaluate: evaluateScript, checker });
  // What the script printed (console.log), each line prefixed with the file name.
  for (const line of o.logs) io.err(`${file}: ${line}\n`);
  if (!o.ok) throw new CliError(o.diagnostics.map((d) => formatDiagnostic(file, d)).join('\n'));
  return { source, experiment: o.experiment, description: o.description, runs: o.runs, estimates: o.estimates ?? [], runPilot: o.runPilot };
}
