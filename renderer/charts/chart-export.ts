/**
 * A chart as a file: SVG from the shared SVG renderer (main/common/report), standalone with
 * dark text on white so it reads anywhere; PNG by drawing that SVG (or a Chart.js canvas) at 2×.
 */
import type { VNode } from '../../main/common/report/vnode';
import { toMarkup } from '../../main/common/report/vnode';
import { saveBlob } from '../ui/download';

export function standaloneSvg(node: VNode): string {
  const n: VNode = { ...node, attrs: { ...node.attrs, style: 'color:#16181d;background:#ffffff' } };
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + toMarkup(n) + '\n';
}

export function saveSvg(node: VNode, fileName: string): void {
  saveBlob(new Blob([standaloneSvg(node)], { type: 'image/svg+xml' }), fileName);
}

export async function svgToPng(node: VNode, scale = 2): Promise<Blob> {
  const text = standaloneSvg(node);
  const img = new Image();
  img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(text)))}`;
  await img.decode();
  const w = Number(node.attrs.width) || img.width;
  const hgt = Number(node.attrs.height) || img.height;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(w * scale);
  canvas.height = Math.ceil(hgt * scale);
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvasPng(canvas);
}

export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be drawn as PNG'))), 'image/png'));
}

/** A Chart.js canvas as PNG on an opaque background (the canvas itself is transparent). */
export function chartCanvasPng(canvas: HTMLCanvasElement, background: string): Promise<Blob> {
  const c = document.createElement('canvas');
  c.width = canvas.width;
  c.height = canvas.height;
  const g = c.getContext('2d')!;
  g.fillStyle = background;
  g.fillRect(0, 0, c.width, c.height);
  g.drawImage(canvas, 0, 0);
  return canvasPng(c);
}
