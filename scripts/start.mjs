// `npm start`: builds the app, then opens it in Electron when Electron's binary is installed;
// otherwise says so in one line and serves the same workbench to Chromium on loopback.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, DIST } from './build.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron binary, without requiring the package (which would try to download it). */
function electronBinary() {
  const pkg = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

await build();
const electron = electronBinary();
const args = process.argv.slice(2);
let child;
if (electron) {
  child = spawn(electron, [join(DIST, 'main.cjs'), ...args], { stdio: 'inherit' });
} else {
  console.log("Electron's binary is not installed here: opening the workbench in the browser host instead.");
  child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'main', 'web', 'main.ts'), ...args], { stdio: 'inherit' });
}
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 0));
