/**
 * The shell's security settings, in one place to review: the renderer is sandboxed, isolated
 * from the preload's world and has no Node; it may only show the app's own origin; it cannot
 * navigate away, open windows, attach webviews or be granted permissions.
 */
import type { WebContentsLike, WebPreferencesLike } from './electron-types';

export const APP_SCHEME = 'viommu-lab';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

export function secureWebPreferences(preload: string): WebPreferencesLike {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** True for URLs of the app's own origin (the custom protocol), nothing else. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app';
  } catch {
    return false;
  }
}

/** Blocks navigation away from the app, every new window, and webviews. Applied to every web contents. */
export function hardenWebContents(contents: WebContentsLike): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
