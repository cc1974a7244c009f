/**
 * The CLI in-process for tests: runs `main` with argv and returns its exit code and what it wrote
 * to stdout and stderr (not a TTY), so a test asserts on the exact text a user would see.
 */
import { main } from '../../main/cli/main';
import type { CliIO } from '../../main/cli/io';

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false };
  const code = await main(argv, io);
  return { code, out, err };
}
