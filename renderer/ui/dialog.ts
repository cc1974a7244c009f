/** Modal dialogs (confirm, prompt) drawn in the page: keyboard-friendly, Escape cancels, Enter confirms. */
import { h } from './dom';

function modal(title: string, body: Node[], okLabel: string, danger: boolean, initialFocus?: HTMLElement): Promise<boolean> {
  return new Promise((resolve) => {
    const previous = document.activeElement as HTMLElement | null;
    const ok = h('button.btn' + (danger ? '.danger' : '.primary') as 'button', { type: 'button', 'data-test': 'dialog-ok' }, okLabel);
    const cancel = h('button.btn', { type: 'button', 'data-test': 'dialog-cancel' }, 'Cancel');
    const box = h('div.dialog', { role: 'dialog', 'aria-modal': 'true', 'aria-label': title }, h('h2', null, title), ...body, h('div.dialog-buttons', null, cancel, ok));
    const backdrop = h('div.backdrop', null, box);
    const close = (v: boolean): void => {
      backdrop.remove();
      previous?.focus();
      resolve(v);
    };
    ok.addEventListener('click', () => close(true));
    cancel.addEventListener('click', () => close(false));
    backdrop.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        close(false);
      } else if (e.key === 'Enter' && !(e.target instanceof HTMLButtonElement)) {
        e.preventDefault();
        close(true);
      }
    });
    document.body.append(backdrop);
    (initialFocus ?? ok).focus();
  });
}

export function confirmDialog(title: string, message: string, okLabel = 'OK', danger = false): Promise<boolean> {
  return modal(title, [h('p', null, message)], okLabel, danger);
}

export async function promptDialog(title: string, label: string, initial = ''): Promise<string | null> {
  const input = h('input.input', { type: 'text', value: initial, 'aria-label': label, 'data-test': 'dialog-input' });
  const ok = await modal(title, [h('label.field', null, h('span', null, label), input)], 'OK', false, input);
  setTimeout(() => input.select(), 0);
  return ok ? input.value.trim() : null;
}

let toastHost: HTMLElement | null = null;

export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  toastHost ??= document.body.appendChild(h('div.toasts', { 'aria-live': 'polite' }));
  const t = h('div.toast' + (kind === 'error' ? '.error' : '') as 'div', { role: kind === 'error' ? 'alert' : 'status' }, message);
  toastHost.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 3500);
}
