/** The workbench's keyboard shortcuts (the Electron menus show and send the same keys). */

export interface KeyActions {
  newScript(): void;
  open(): void;
  save(): void;
  run(): void;
  cancel(): void;
  view(n: 1 | 2 | 3 | 4 | 5 | 6): void;
  toggleTheme(): void;
}

export function bindKeys(actions: KeyActions): void {
  window.addEventListener(
    'keydown',
    (e) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      const k = e.key.toLowerCase();
      let handled = true;
      if (e.shiftKey && k === 'x') actions.cancel();
      else if (e.shiftKey && k === 'l') actions.toggleTheme();
      else if (e.shiftKey) handled = false;
      else if (k === 'enter') actions.run();
      else if (k === 's') actions.save();
      else if (k === 'n') actions.newScript();
      else if (k === 'o') actions.open();
      else if (k >= '1' && k <= '6') actions.view(Number(k) as 1 | 2 | 3 | 4 | 5 | 6);
      else handled = false;
      if (handled) {
        e.preventDefault();
        e.stopPropagation();
      }
    },
    true,
  );
}
