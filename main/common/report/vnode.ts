/**
 * A minimal element tree shared by the report (serialised to HTML text) and the workbench
 * (turned into DOM nodes), so a notebook's markdown, tables and SVG charts are built once and
 * look the same in the app, the HTML report and the PDF. Serialisation escapes every text and
 * attribute; no caller ever writes raw markup.
 */

export type VChild = VNode | string;

export interface VNode {
  tag: string;
  attrs: Record<string, string | number>;
  children: VChild[];
}

export function el(tag: string, attrs: Record<string, string | number | null | undefined | false> | null = null, ...children: (VChild | VChild[] | null | undefined | false)[]): VNode {
  const a: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== null && v !== undefined && v !== false) a[k] = v;
  const c: VChild[] = [];
  for (const ch of children.flat()) if (ch !== null && ch !== undefined && ch !== false) c.push(ch);
  return { tag, attrs: a, children: c };
}

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

const VOID = new Set(['br', 'hr', 'img', 'meta', 'col', 'link']);
const TAG = /^[a-zA-Z][a-zA-Z0-9-]*$/;
const ATTR = /^[a-zA-Z_:][a-zA-Z0-9_:.-]*$/;

/** Serialises a tree to markup (HTML, with SVG inline). Rejects tag or attribute names that are not plain names. */
export function toMarkup(node: VChild): string {
  if (typeof node === 'string') return escapeText(node);
  if (!TAG.test(node.tag)) throw new Error(`bad tag name ${node.tag}`);
  let out = `<${node.tag}`;
  for (const [k, v] of Object.entries(node.attrs)) {
    if (!ATTR.test(k) || /^on/i.test(k)) throw new Error(`refused attribute ${k}`);
    out += ` ${k}="${escapeAttr(String(v))}"`;
  }
  if (VOID.has(node.tag) && node.children.length === 0) return out + '>';
  if (node.tag === 'style') {
    // CSS is raw text in HTML: escaping would break it, so refuse anything that could end the element.
    const css = node.children.map((c) => (typeof c === 'string' ? c : '')).join('');
    if (/<\//.test(css)) throw new Error('refused style text');
    return `${out}>${css}</style>`;
  }
  if (node.tag === 'svg' || node.tag === 'path' || node.tag === 'line' || node.tag === 'rect' || node.tag === 'circle' || node.tag === 'polyline') {
    if (node.children.length === 0) return out + '/>';
  }
  return `${out}>${node.children.map(toMarkup).join('')}</${node.tag}>`;
}

/** The text content of a tree (for tests and accessible labels). */
export function textOf(node: VChild): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}
