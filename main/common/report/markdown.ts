/**
 * A small Markdown subset for notebook cells: ATX headings, paragraphs, bullet and numbered
 * lists, fenced code, block quotes, and inline code, bold, italic and links (shown as text with
 * their address; a report never fetches anything). Output is a VNode tree, so nothing in a cell
 * can inject markup. Not CommonMark: no tables, HTML, images or nested lists.
 */
import { el, type VChild, type VNode } from './vnode';

export function inline(text: string): VChild[] {
  const out: VChild[] = [];
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const t = m[0];
    if (m[1]) out.push(el('code', null, t.slice(1, -1)));
    else if (m[2]) out.push(el('strong', null, ...inline(t.slice(2, -2))));
    else if (m[3]) out.push(el('em', null, ...inline(t.slice(1, -1))));
    else {
      const close = t.indexOf('](');
      out.push(el('span', { class: 'link' }, ...inline(t.slice(1, close)), el('span', { class: 'href' }, ` (${t.slice(close + 2, -1)})`)));
    }
    last = m.index + t.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function markdown(src: string): VNode[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: VNode[] = [];
  let i = 0;
  const para: string[] = [];
  const flush = (): void => {
    if (para.length) out.push(el('p', null, ...inline(para.join(' '))));
    para.length = 0;
  };
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^```(\S*)\s*$/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      i++;
      out.push(el('pre', null, el('code', fence[1] ? { class: `lang-${fence[1].replace(/[^\w-]/g, '')}` } : null, body.join('\n'))));
      continue;
    }
    const head = /^(#{1,6})\s+(.*)$/.exec(line);
    if (head) {
      flush();
      out.push(el(`h${head[1]!.length}`, null, ...inline(head[2]!.trim())));
      i++;
      continue;
    }
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      flush();
      const ordered = numbered !== null && bullet === null;
      const items: VNode[] = [];
      const itemRe = ordered ? /^\s*\d+[.)]\s+(.*)$/ : /^\s*[-*+]\s+(.*)$/;
      while (i < lines.length) {
        const m = itemRe.exec(lines[i]!);
        if (m) items.push(el('li', null, ...inline(m[1]!)));
        else if (/^\s{2,}\S/.test(lines[i]!) && items.length) items[items.length - 1]!.children.push(' ', ...inline(lines[i]!.trim()));
        else break;
        i++;
      }
      out.push(el(ordered ? 'ol' : 'ul', null, items));
      continue;
    }
    if (/^>\s?/.test(line)) {
      flush();
      const body: string[] = [];
      for (; i < lines.length && /^>\s?/.test(lines[i]!); i++) body.push(lines[i]!.replace(/^>\s?/, ''));
      out.push(el('blockquote', null, ...markdown(body.join('\n'))));
      continue;
    }
    if (line.trim() === '') flush();
    else para.push(line.trim());
    i++;
  }
  flush();
  return out;
}
