/**
 * Where a packaged app's real files are. electron-builder packs the app into `resources/app.asar`
 * and puts what `asarUnpack` names beside it in `resources/app.asar.unpacked`. Electron's own fs
 * reads through the archive, but a worker thread's entry and a spawned binary must be real files:
 * those paths are mapped here (identity outside a packaged app). Pure string work.
 */
export function unpackedPath(file: string): string {
  return file.replace(/([/\\])app\.asar([/\\])/, '$1app.asar.unpacked$2');
}
