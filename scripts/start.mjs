// `npm start`: builds the app, then opens it in Electron when Electron's binary is installed;
// otherwise says so in one line and serves the same workbench to Chromium on loopback.
import { spawn, spawnSync } from 'node:child_process';
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
  // The app's native dependency (better-sqlite3) must be built for Electron's ABI: install the
  // runtime deps of app/package.json into app/node_modules, rebuilt for Electron (once).
  const native = join(ROOT, 'app', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(native)) {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-builder', 'cli.js'), 'install-app-deps'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) {
      console.error('viommu-lab: could not build better-sqlite3 for Electron (electron-builder install-app-deps failed)');
      process.exit(1);
    }
  }
  child = spawn(electron, [join(DIST, 'main.cjs'), ...args], { stdio: 'inherit' });
} else {
  console.log("Electron's binary is not installed here: opening the workbench in the browser host instead.");
  child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'main', 'web', 'main.ts'), ...args], { stdio: 'inherit' });
}
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 0));
