/**
 * The native menus. Their accelerators are the renderer's own keyboard shortcuts: a menu click
 * sends that keystroke to the window (registerAccelerator: false leaves the key itself to the
 * renderer), so the preload needs no extra channel and the browser host behaves the same.
 */
import type { MenuItemLike, MenuRole } from './electron-types';

export interface Shortcut {
  label: string;
  accelerator: string;
}

/** The renderer's shortcuts (renderer/keys.ts binds the same keys). */
export const SHORTCUTS = {
  newScript: { label: 'New Script', accelerator: 'CmdOrCtrl+N' },
  open: { label: 'Open…', accelerator: 'CmdOrCtrl+O' },
  save: { label: 'Save', accelerator: 'CmdOrCtrl+S' },
  run: { label: 'Run', accelerator: 'CmdOrCtrl+Enter' },
  cancel: { label: 'Cancel Run', accelerator: 'CmdOrCtrl+Shift+X' },
  editor: { label: 'Editor', accelerator: 'CmdOrCtrl+1' },
  runs: { label: 'Runs', accelerator: 'CmdOrCtrl+2' },
  compare: { label: 'Compare', accelerator: 'CmdOrCtrl+3' },
  diff: { label: 'Diff', accelerator: 'CmdOrCtrl+4' },
  theme: { label: 'Toggle Dark Theme', accelerator: 'CmdOrCtrl+Shift+L' },
} as const satisfies Record<string, Shortcut>;

export type KeySender = (accelerator: string) => void;

function item(s: Shortcut, send: KeySender): MenuItemLike {
  return { label: s.label, accelerator: s.accelerator, registerAccelerator: false, click: () => send(s.accelerator) };
}

export function menuTemplate(send: KeySender, opts: { isMac: boolean; devTools: boolean }): MenuItemLike[] {
  const k = SHORTCUTS;
  const sep: MenuItemLike = { type: 'separator' };
  const role = (r: MenuRole, label?: string): MenuItemLike => (label ? { role: r, label } : { role: r });
  return [
    ...(opts.isMac ? [role('appMenu')] : []),
    {
      label: '&File',
      submenu: [item(k.newScript, send), item(k.open, send), item(k.save, send), sep, opts.isMac ? role('close') : { role: 'quit', accelerator: 'CmdOrCtrl+Q' }],
    },
    { label: '&Edit', submenu: [role('undo'), role('redo'), sep, role('cut'), role('copy'), role('paste'), role('selectAll')] },
    { label: '&Run', submenu: [item(k.run, send), item(k.cancel, send)] },
    {
      label: '&View',
      submenu: [
        item(k.editor, send),
        item(k.runs, send),
        item(k.compare, send),
        item(k.diff, send),
        sep,
        item(k.theme, send),
        role('resetZoom'),
        role('zoomIn'),
        role('zoomOut'),
        role('togglefullscreen'),
        ...(opts.devTools ? [sep, role('toggleDevTools')] : []),
      ],
    },
    { label: '&Help', role: 'help', submenu: [role('about', 'About vIOMMU Lab')] },
  ];
}

/** Turns "CmdOrCtrl+Shift+X" into the keyboard event Electron's sendInputEvent expects. */
export function acceleratorToInput(accelerator: string, isMac: boolean): { keyCode: string; modifiers: ('control' | 'shift' | 'alt' | 'meta')[] } {
  const parts = accelerator.split('+');
  const keyCode = parts.pop()!;
  const modifiers: ('control' | 'shift' | 'alt' | 'meta')[] = [];
  for (const p of parts) {
    if (p === 'CmdOrCtrl') modifiers.push(isMac ? 'meta' : 'control');
    else if (p === 'Shift') modifiers.push('shift');
    else if (p === 'Alt') modifiers.push('alt');
  }
  return { keyCode, modifiers };
}
