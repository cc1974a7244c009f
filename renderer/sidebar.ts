/** The sidebar: the examples gallery (resources/examples) and the scripts saved in the store. */
import type { ExampleInfo, ScriptInfo } from '../main/common/api/types';
import type { AppContext } from './context';
import { EXPERIMENT_TEMPLATE } from './notebook/templates';
import { confirmDialog } from './ui/dialog';
import { h, replace } from './ui/dom';
import { fmtTime } from './ui/format';

export function createSidebar(ctx: AppContext): HTMLElement {
  const examples = h('div', { role: 'list', 'aria-label': 'Examples', 'data-test': 'examples' });
  const scripts = h('div', { role: 'list', 'aria-label': 'Saved scripts', 'data-test': 'scripts' });
  // A new document is a TypeScript script by default (Ctrl+N), or a JSON spec.
  const newBtn = h('button.btn.small', { type: 'button', title: 'New TypeScript script (Ctrl+N)', 'data-test': 'new-ts', onclick: () => newScript('ts') }, '+ TS');
  const newJson = h('button.btn.small', { type: 'button', title: 'New JSON spec', 'data-test': 'new-json', onclick: () => newScript('json') }, '+ JSON');
  const root = h(
    'aside.sidebar',
    { 'aria-label': 'Scripts' },
    h('div.section-title', null, h('span', null, 'Saved scripts'), h('span', { style: 'display:flex;gap:4px' }, newBtn, newJson)),
    scripts,
    h('div.section-title', null, h('span', null, 'Examples')),
    examples,
  );

  function newScript(kind: 'ts' | 'json'): void {
    if (kind === 'ts') ctx.openDocument('untitled.ts', EXPERIMENT_TEMPLATE);
    else ctx.openDocument('untitled.json', TEMPLATE);
  }

  function item(title: string, desc: string, lang: string, open: () => void, extra?: HTMLElement): HTMLElement {
    const el = h('div.list-item', { role: 'listitem', tabindex: 0, title: desc }, h('div.name', null, h('span.lang', null, lang), h('span', null, title), extra ? h('span.spacer') : null, extra ?? null), desc ? h('div.desc', null, desc) : null);
    el.addEventListener('click', open);
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    });
    return el;
  }

  async function loadExamples(): Promise<void> {
    const list: ExampleInfo[] = await ctx.api.listExamples({});
    replace(
      examples,
      list.length === 0 ? h('div.empty', null, 'No examples in resources/examples.') : list.map((ex) => {
        const el = item(ex.title, ex.description, ex.language, () => ctx.openDocument(ex.file, ex.source));
        el.dataset.file = ex.file;
        return el;
      }),
    );
  }

  async function loadScripts(): Promise<void> {
    const list: ScriptInfo[] = await ctx.api.listScripts({});
    replace(
      scripts,
      list.length === 0
        ? h('div.empty', null, 'Nothing saved yet. Ctrl+S saves the open script.')
        : list.map((s) => {
            const del = h('button.icon-btn', { type: 'button', title: `Delete ${s.name}`, 'aria-label': `Delete ${s.name}` }, '✕');
            del.addEventListener('click', async (e) => {
              e.stopPropagation();
              if (!(await confirmDialog('Delete script', `Delete the saved script “${s.name}”? Its runs stay.`, 'Delete', true))) return;
              await ctx.api.deleteScript({ name: s.name }).catch(ctx.fail);
              ctx.scriptsChanged();
            });
            const el = item(s.name, `saved ${fmtTime(s.updatedAt)}`, s.name.endsWith('.ts') ? 'ts' : 'json', () => {
              ctx.api.loadScript({ name: s.name }).then((doc) => ctx.openDocument(doc.name, doc.source, doc.name), ctx.fail);
            }, del);
            el.dataset.script = s.name;
            return el;
          }),
    );
  }

  ctx.onScriptsChanged(() => void loadScripts().catch(ctx.fail));
  void loadExamples().catch(ctx.fail);
  void loadScripts().catch(ctx.fail);
  return root;
}

const TEMPLATE = `{
  "name": "my experiment",
  "description": "What this run measures.",
  "seed": 1,
  "duration": "5ms",
  "profile": { "base": "kvm-x86-2024" },
  "vms": [{ "id": "vm0", "memory": "4GiB", "vcpus": 2 }],
  "devices": [
    {
      "id": "nic0",
      "vm": "vm0",
      "kind": "nic",
      "workload": { "kind": "nic", "direction": "rx", "bitrate": "10Gbps", "packetSize": 1500, "ringSize": 256, "queues": 1 }
    }
  ]
}
`;
