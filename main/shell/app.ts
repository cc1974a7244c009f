/**
 * The Electron composition root: single-instance lock, the app scheme, the store and engine
 * host, one IPC handler per API operation, one hardened window, and the menus. Everything the
 * window does goes through the same API service the browser host and the CLI use.
 */
import { join } from 'node:path';
import { WorkerPool } from '../api/engine/pool';
import { createLabService, type LabServiceHandle } from '../api/service';
import { LabStore } from '../store/store';
import { defaultDbPath } from '../store/paths';
import type { BrowserWindowLike, ElectronLike } from './electron-types';
import { registerApiHandlers } from './ipc';
import { electronPdfPrinter, printWindowOptions, type PrintWindowLike } from './print';
import { acceleratorToInput, menuTemplate } from './menu';
import { appProtocolHandler, registerAppScheme } from './protocol';
import { APP_SCHEME, APP_URL, hardenWebContents, secureWebPreferences } from './security';

export interface ShellPaths {
  /** The built renderer. */
  renderer: string;
  /** The bundled preload script. */
  preload: string;
}

export interface ShellOptions {
  paths: ShellPaths;
  dbPath?: string;
  platform?: NodeJS.Platform;
  /** Injected by tests; the real one opens the store and starts the worker pool. */
  createService?: () => { service: LabServiceHandle; close: () => Promise<void> };
}

export interface Shell {
  /** Resolves once the window is loading, or with null when another instance already runs. */
  ready: Promise<BrowserWindowLike | null>;
}

function defaultService(dbPath: string, BrowserWindow: ElectronLike['BrowserWindow']): { service: LabServiceHandle; close: () => Promise<void> } {
  const store = LabStore.open(dbPath);
  // Reports print through Electron's printToPDF in a hidden window (the CLI's Chromium route gives the same pages).
  const printPdf = electronPdfPrinter(() => new BrowserWindow(printWindowOptions()) as unknown as PrintWindowLike);
  const service = createLabService({ store, executor: new WorkerPool(), printPdf });
  return {
    service,
    close: async () => {
      await service.close();
      store.close();
    },
  };
}

export function startShell(electron: ElectronLike, opts: ShellOptions): Shell {
  const { app, BrowserWindow, ipcMain, protocol, Menu } = electron;
  const isMac = (opts.platform ?? process.platform) === 'darwin';
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { ready: Promise.resolve(null) };
  }
  registerAppScheme(protocol);
  let win: BrowserWindowLike | null = null;
  let backend: { service: LabServiceHandle; close: () => Promise<void> } | null = null;
  const trusted = new Set<number>();

  app.on('second-instance', () => {
    if (win === null) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents);
    contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    void backend?.close();
    backend = null;
  });

  const ready = app.whenReady().then(async () => {
    protocol.handle(APP_SCHEME, appProtocolHandler(opts.paths.renderer));
    backend = (opts.createService ?? (() => defaultService(opts.dbPath ?? defaultDbPath(), BrowserWindow)))();
    registerApiHandlers(ipcMain, backend.service, trusted);
    const w = new BrowserWindow({
      width: 1440,
      height: 900,
      minWidth: 960,
      minHeight: 600,
      show: false,
      title: 'vIOMMU Lab',
      backgroundColor: '#1e1f22',
      webPreferences: secureWebPreferences(opts.paths.preload),
    });
    win = w;
    trusted.add(w.webContents.id);
    const sendKey = (accelerator: string): void => {
      const { keyCode, modifiers } = acceleratorToInput(accelerator, isMac);
      w.webContents.sendInputEvent({ type: 'keyDown', keyCode, modifiers });
      w.webContents.sendInputEvent({ type: 'keyUp', keyCode, modifiers });
    };
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(sendKey, { isMac, devTools: !app.isPackaged })));
    w.once('ready-to-show', () => w.show());
    await w.loadURL(APP_URL);
    return w;
  });
  return { ready };
}

/** Where the bundled pieces sit relative to the bundled main script (app/dist). */
export function bundledPaths(distDir: string): ShellPaths {
  return { renderer: join(distDir, 'renderer'), preload: join(distDir, 'preload.cjs') };
}
