/** Turns the shared VNode trees (main/common/report) into DOM nodes; SVG subtrees get the SVG namespace. */
import type { VChild } from '../../main/common/report/vnode';

const SVG_NS = 'http://www.w3.org/2000/svg';

export function toDom(node: VChild, inSvg = false): Node {
  if (typeof node === 'string') return document.createTextNode(node);
  const svg = inSvg || node.tag === 'svg';
  const el = svg ? document.createElementNS(SVG_NS, node.tag) : document.createElement(node.tag);
  for (const [k, v] of Object.entries(node.attrs)) {
    // The trees never carry handlers; refuse them anyway.
    if (/^on/i.test(k) || k === 'xmlns') continue;
    el.setAttribute(k, String(v));
  }
  for (const c of node.children) el.append(toDom(c, svg));
  return el;
}
