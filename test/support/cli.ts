/**
 * The CLI in-process for tests: runs `main` with argv and returns its exit code and what it wrote
 * to stdout and stderr (not a TTY), so a test asserts on the exact text a user would see.
 *
 * `run` gets `--jobs 1` unless the test passes --jobs: a sweep then runs on the test's own thread
 * instead of on engine workers, which from the sources each load the TypeScript through tsx (seconds
 * per test). The pool is tested where it is the subject (main/cli/jobs.test.ts, main/api/engine).
 */
import { main } from '../../main/cli/main';
import type { CliIO } from '../../main/cli/io';

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false };
  const jobsGiven = argv.some((a) => a === '--jobs' || a.startsWith('--jobs='));
  const code = await main(argv[0] === 'run' && !jobsGiven ? [...argv, '--jobs', '1'] : argv, io);
  return { code, out, err };
}
