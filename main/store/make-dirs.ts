/**
 * `mkdir -p` that cannot spin. Node's `mkdirSync(dir, { recursive: true })` loops forever when
 * mkdir(2) answers ENOENT for a directory whose parent exists — procfs and sysfs do — so
 * `--db /proc/x/lab.sqlite` hung the CLI instead of failing. This creates each missing component
 * in turn, so any refusal surfaces as the error mkdir(2) gave (ENOENT, EACCES, ENOTDIR, EROFS...).
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; ) {
    let isDir = false;
    try {
      isDir = statSync(d).isDirectory();
    } catch (e) {
      if (code(e) !== 'ENOENT') throw e;
      missing.push(d);
      const up = dirname(d);
      if (up === d) break;
      d = up;
      continue;
    }
    if (!isDir) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${d}'`), { code: 'ENOTDIR', path: d });
    break;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]!);
    } catch (e) {
      if (code(e) !== 'EEXIST') throw e;
    }
  }
}
