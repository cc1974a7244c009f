/** Saves a file the API exported (text or base64) through the browser's download, which Electron turns into a save dialog. */
import type { ExportedFile } from '../../main/common/api/notebook-types';

export function blobOf(f: ExportedFile): Blob {
  if (f.encoding === 'utf8') return new Blob([f.data], { type: f.mime });
  const bin = atob(f.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: f.mime });
}

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function saveExported(f: ExportedFile): void {
  saveBlob(blobOf(f), f.fileName);
}
