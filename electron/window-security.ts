/**
 * The Electron shell's security settings, as pure functions so they are unit-tested without the
 * Electron binary: window options (contextIsolation + sandbox, no Node), which URLs count as the
 * app, navigation and new-window denial, and the IPC sender check.
 * Follows Electron's security checklist (electronjs.org/docs/latest/tutorial/security).
 */
import type { BrowserWindowConstructorOptions, WebContents } from 'electron';

/** The app is served from this privileged custom scheme, never from file:// or the network. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'raydeck';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    backgroundColor: '#0f1115',
    title: 'Raydeck',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** True only for pages of the app itself (`app://raydeck/...`). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The IPC sender check: only the top frame of our window, showing an app page, may call the core. */
export function isAllowedSender(
  frame: { url: string; parent: unknown } | null | undefined,
  expectedWebContentsId: number | null,
  senderWebContentsId: number,
): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false; // subframes never talk to the core
  if (expectedWebContentsId !== null && senderWebContentsId !== expectedWebContentsId) return false;
  return isAppUrl(frame.url);
}

/** External links the user clicks open in the system browser, and only http(s). */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Denies every navigation away from the app and every new window; http(s) links requested as
 * new windows go to the system browser via `openExternal` instead.
 */
export function guardNavigation(contents: GuardedContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}
