/** The Electron shell's wiring and security settings, with the `electron` module stubbed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipcChannel, OPERATION_NAMES, type LabService } from '../common/api/contract';
import type { LabServiceHandle } from '../api/service';
import { startShell } from './app';
import type { BrowserWindowOptionsLike, ElectronLike, IpcMainInvokeEventLike, MenuItemLike, PreventableEvent, WebContentsLike } from './electron-types';
import { isTrustedSender, registerApiHandlers } from './ipc';
import { acceleratorToInput, menuTemplate } from './menu';
import { buildPreloadApi, exposeLabApi, EXPOSED_NAME } from './preload-api';
import { appProtocolHandler } from './protocol';
import { APP_URL, hardenWebContents, isAppUrl, secureWebPreferences } from './security';

type Listener = (...args: unknown[]) => void;

function fakeContents(id = 1) {
  const listeners = new Map<string, Listener>();
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  let permissionHandler: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | null = null;
  const inputs: unknown[] = [];
  const contents = {
    id,
    on: (event: string, l: Listener) => listeners.set(event, l),
    setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
    sendInputEvent: (i: unknown) => inputs.push(i),
    session: { setPermissionRequestHandler: (h: typeof permissionHandler) => (permissionHandler = h) },
  } as unknown as WebContentsLike;
  const fire = (event: string, url?: string): boolean => {
    let prevented = false;
    const ev: PreventableEvent = { preventDefault: () => (prevented = true) };
    listeners.get(event)!(ev, url);
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler!({ url }), permission: (p: string) => new Promise<boolean>((r) => permissionHandler!(null, p, r)), inputs };
}

test('the renderer is sandboxed, isolated and has no Node', () => {
  const p = secureWebPreferences('/app/preload.cjs');
  assert.equal(p.contextIsolation, true);
  assert.equal(p.sandbox, true);
  assert.equal(p.nodeIntegration, false);
  assert.equal(p.nodeIntegrationInWorker, false);
  assert.equal(p.nodeIntegrationInSubFrames, false);
  assert.equal(p.webSecurity, true);
  assert.equal(p.allowRunningInsecureContent, false);
  assert.equal(p.webviewTag, false);
  assert.equal(p.preload, '/app/preload.cjs');
});

test('navigation away from the app, new windows and webviews are blocked', () => {
  const c = fakeContents();
  hardenWebContents(c.contents);
  assert.equal(c.fire('will-navigate', 'https://example.com/'), true);
  assert.equal(c.fire('will-navigate', 'file:///etc/passwd'), true);
  assert.equal(c.fire('will-navigate', 'viommu-lab://evil/index.html'), true);
  assert.equal(c.fire('will-navigate', APP_URL), false);
  assert.equal(c.fire('will-redirect', 'http://127.0.0.1:1/'), true);
  assert.equal(c.fire('will-attach-webview'), true);
  assert.deepEqual(c.open('https://example.com/'), { action: 'deny' });
  assert.deepEqual(c.open(APP_URL), { action: 'deny' });
  assert.equal(isAppUrl('viommu-lab://app/x.js'), true);
  assert.equal(isAppUrl('not a url'), false);
});

test('the app protocol serves the renderer with the CSP and never a file outside it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'viommu-shell-'));
  try {
    const renderer = join(dir, 'renderer');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<meta content="%LAB_TOKEN%">');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    const handle = appProtocolHandler(renderer);
    const ok = handle({ url: APP_URL, method: 'GET' });
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-security-policy')!, /default-src 'none'.*script-src 'self'/);
    assert.equal(await ok.text(), '<meta content="">', 'no token in the Electron page: it talks over IPC');
    for (const url of ['viommu-lab://app/../secret.txt', 'viommu-lab://app/%2e%2e/secret.txt', 'viommu-lab://app/%252e%252e/secret.txt', 'viommu-lab://other/index.html']) {
      assert.equal(handle({ url, method: 'GET' }).status, 404, url);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IPC: one handler per operation; calls from anything but the app window are refused', async () => {
  const handlers = new Map<string, (e: IpcMainInvokeEventLike, p: unknown) => Promise<unknown>>();
  let called = 0;
  const service = Object.fromEntries(OPERATION_NAMES.map((op) => [op, () => (called++, { op })])) as unknown as LabService;
  registerApiHandlers({ handle: (ch, l) => handlers.set(ch, l) }, service, new Set([7]), () => {});
  assert.deepEqual([...handlers.keys()].sort(), OPERATION_NAMES.map(ipcChannel).sort());
  const good: IpcMainInvokeEventLike = { sender: { id: 7 }, senderFrame: { url: 'viommu-lab://app/index.html', parent: null } };
  assert.deepEqual(await handlers.get('lab:listScripts')!(good, {}), { ok: true, result: { op: 'listScripts' } });
  const refused = [
    { sender: { id: 8 }, senderFrame: good.senderFrame },
    { sender: { id: 7 }, senderFrame: { url: 'https://evil.example/', parent: null } },
    { sender: { id: 7 }, senderFrame: { url: 'viommu-lab://app/index.html', parent: {} } },
    { sender: { id: 7 }, senderFrame: null },
  ];
  for (const e of refused) {
    assert.equal(isTrustedSender(e, new Set([7])), false);
    const r = (await handlers.get('lab:listScripts')!(e, {})) as { ok: boolean; error: string };
    assert.equal(r.ok, false);
    assert.match(r.error, /refused/);
  }
  assert.equal(called, 1);
  const invalid = (await handlers.get('lab:getRun')!(good, { id: 'x' })) as { ok: boolean; error: string };
  assert.equal(invalid.ok, false, 'payloads are validated before the service sees them');
  assert.equal(called, 1);
});

test('the preload exposes exactly one function per API operation, and no generic invoke', async () => {
  let exposedName = '';
  let exposed: Record<string, unknown> = {};
  const sent: [string, unknown][] = [];
  exposeLabApi(
    { exposeInMainWorld: (k, api) => ((exposedName = k), (exposed = api as Record<string, unknown>)) },
    { invoke: async (ch, p) => (sent.push([ch, p]), { ok: true, result: ch }) },
  );
  assert.equal(exposedName, EXPOSED_NAME);
  assert.deepEqual(Object.keys(exposed).sort(), [...OPERATION_NAMES].sort());
  for (const k of Object.keys(exposed)) assert.equal(typeof exposed[k], 'function', k);
  assert.ok(!('invoke' in exposed) && !('send' in exposed) && !('on' in exposed));
  assert.ok(Object.isFrozen(exposed));
  assert.equal(await (exposed.listRuns as (p: unknown) => Promise<unknown>)({ limit: 5 }), 'lab:listRuns');
  assert.deepEqual(sent, [['lab:listRuns', { limit: 5 }]]);
  const failing = buildPreloadApi(async () => ({ ok: false, error: 'getRun: id: Expected number' }));
  await assert.rejects(failing.getRun({ id: 1 }), /getRun: id: Expected number/);
});

test('menus carry the usual accelerators and send the renderer its own shortcut', () => {
  const sent: string[] = [];
  const menu = menuTemplate((a) => sent.push(a), { isMac: false, devTools: false });
  const flat = (items: MenuItemLike[]): MenuItemLike[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])]);
  const all = flat(menu);
  const byLabel = (l: string) => all.find((i) => i.label === l)!;
  assert.equal(byLabel('Run').accelerator, 'CmdOrCtrl+Enter');
  assert.equal(byLabel('Cancel Run').accelerator, 'CmdOrCtrl+Shift+X');
  assert.equal(byLabel('New Script').accelerator, 'CmdOrCtrl+N');
  assert.equal(byLabel('Open…').accelerator, 'CmdOrCtrl+O');
  assert.equal(byLabel('Save').accelerator, 'CmdOrCtrl+S');
  assert.equal(all.find((i) => i.role === 'quit')!.accelerator, 'CmdOrCtrl+Q');
  assert.ok(!all.some((i) => i.role === 'toggleDevTools'), 'no dev tools in a packaged app');
  byLabel('Run').click!();
  assert.deepEqual(sent, ['CmdOrCtrl+Enter']);
  assert.equal(byLabel('Run').registerAccelerator, false);
  assert.deepEqual(acceleratorToInput('CmdOrCtrl+Shift+X', false), { keyCode: 'X', modifiers: ['control', 'shift'] });
  assert.deepEqual(acceleratorToInput('CmdOrCtrl+Enter', true), { keyCode: 'Enter', modifiers: ['meta'] });
});

function fakeElectron(lock: boolean) {
  const log: string[] = [];
  const appListeners = new Map<string, Listener>();
  const windows: { options: BrowserWindowOptionsLike; url: string; contents: ReturnType<typeof fakeContents> }[] = [];
  let ready = false;
  let menu: MenuItemLike[] = [];
  const handlers: string[] = [];
  const electron: ElectronLike = {
    app: {
      requestSingleInstanceLock: () => lock,
      quit: () => log.push('quit'),
      whenReady: async () => {
        ready = true;
      },
      on: ((event: string, l: Listener) => appListeners.set(event, l)) as ElectronLike['app']['on'],
      getPath: () => '/tmp',
      getVersion: () => '0.1.0',
      isPackaged: true,
    },
    BrowserWindow: class {
      webContents: WebContentsLike;
      constructor(options: BrowserWindowOptionsLike) {
        const c = fakeContents(42);
        this.webContents = c.contents;
        windows.push({ options, url: '', contents: c });
        appListeners.get('web-contents-created')?.({}, c.contents);
      }
      async loadURL(url: string) {
        windows[windows.length - 1]!.url = url;
      }
      isMinimized = () => false;
      restore() {}
      focus() {
        log.push('focus');
      }
      once() {}
      show() {}
    },
    ipcMain: { handle: (ch) => handlers.push(ch) },
    protocol: {
      registerSchemesAsPrivileged: (s) => log.push(`privileged:${s[0]!.scheme}:${s[0]!.privileges.secure}:before-ready=${!ready}`),
      handle: (scheme) => log.push(`handle:${scheme}`),
    },
    Menu: { buildFromTemplate: (t) => (menu = t), setApplicationMenu: () => log.push('menu') },
  };
  return { electron, log, windows, handlers, menu: () => menu, appListeners };
}

const fakeBackend = () => ({ service: {} as LabServiceHandle, close: async () => {} });

test('a second instance quits at once and focuses the first', async () => {
  const second = fakeElectron(false);
  const shell = startShell(second.electron, { paths: { renderer: '/r', preload: '/p.cjs' }, createService: fakeBackend });
  assert.equal(await shell.ready, null);
  assert.deepEqual(second.log, ['quit']);
  assert.equal(second.windows.length, 0);

  const first = fakeElectron(true);
  await startShell(first.electron, { paths: { renderer: '/r', preload: '/p.cjs' }, createService: fakeBackend }).ready;
  first.appListeners.get('second-instance')!();
  assert.ok(first.log.includes('focus'));
});

test('the shell opens one hardened window on the app scheme with the API and menus wired', async () => {
  const f = fakeElectron(true);
  const win = await startShell(f.electron, { paths: { renderer: '/r', preload: '/p.cjs' }, createService: fakeBackend, platform: 'linux' }).ready;
  assert.ok(win);
  assert.ok(f.log[0]!.startsWith('privileged:viommu-lab:true:before-ready=true'), 'the scheme is registered before the app is ready');
  assert.ok(f.log.includes('handle:viommu-lab'));
  assert.equal(f.windows.length, 1);
  const w = f.windows[0]!;
  assert.equal(w.url, APP_URL, 'content comes from the custom protocol, not file://');
  assert.deepEqual(w.options.webPreferences, secureWebPreferences('/p.cjs'));
  assert.equal(w.contents.fire('will-navigate', 'https://example.com'), true, 'every web contents is hardened');
  assert.equal(await w.contents.permission('camera'), false, 'permission requests are denied');
  assert.deepEqual(f.handlers.sort(), OPERATION_NAMES.map(ipcChannel).sort());
  assert.ok(f.log.includes('menu'));
  const run = f.menu().flatMap((m) => m.submenu ?? []).find((i) => i.label === 'Run')!;
  run.click!();
  assert.deepEqual(w.contents.inputs[0], { type: 'keyDown', keyCode: 'Enter', modifiers: ['control'] });
  f.appListeners.get('window-all-closed')!();
  assert.ok(f.log.includes('quit'));
});
