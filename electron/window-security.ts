/**
 * The Electron shell's security settings, as pure functions so they are unit-tested without the
 * Electron binary: window options (contextIsolation + sandbox, no Node), which URLs count as the
 * app, navigation and new-window denial, and the IPC sender check.
 * Follows Electron's security checklist (electronjs.org/docs/latest/tutorial/security).
 */
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

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
      // Middle-click would ask for a new window (denied anyway by setWindowOpenHandler).
      disableBlinkFeatures: 'Auxclick',
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

/**
 * The IPC sender check: only the top frame of our window, showing an app page, may call the core.
 * Without a main window (closed, or not yet made) nobody may: the check is never skipped.
 */
export function isAllowedSender(
  frame: { url: string; parent: unknown } | null | undefined,
  expectedWebContentsId: number | null,
  senderWebContentsId: number,
): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false; // subframes never talk to the core
  if (expectedWebContentsId === null || senderWebContentsId !== expectedWebContentsId) return false;
  return isAppUrl(frame.url);
}

/**
 * Where a link may take the user outside the app (`shell.openExternal`): https pages of these
 * hosts only — Ray's and vLLM's documentation and Ray's project pages. Anything else (another
 * scheme, another host, credentials in the URL) is dropped: openExternal hands a URL to the OS,
 * which would also open `file:`, `smb:` or custom-scheme handlers.
 */
export const EXTERNAL_ALLOW_LIST: readonly { host: string; pathPrefix: string }[] = [
  { host: 'docs.ray.io', pathPrefix: '/' },
  { host: 'docs.vllm.ai', pathPrefix: '/' },
  { host: 'github.com', pathPrefix: '/ray-project/' },
  { host: 'github.com', pathPrefix: '/vllm-project/' },
];

/**
 * Raydeck's own proxy to a cluster's Ray dashboard (core/ray/dashboard-proxy.ts): plain http on
 * 127.0.0.1 at a port, the root path with the one-time key; nothing else on loopback.
 */
export function isRayDashboardProxyUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === 'http:' &&
      u.hostname === '127.0.0.1' &&
      u.port !== '' &&
      !u.username &&
      !u.password &&
      u.pathname === '/' &&
      /^\?raydeck-key=[\w-]{16,64}$/.test(u.search)
    );
  } catch {
    return false;
  }
}

export function isSafeExternalUrl(url: string): boolean {
  if (isRayDashboardProxyUrl(url)) return true;
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' || u.username || u.password || u.port) return false;
    return EXTERNAL_ALLOW_LIST.some(
      (e) => u.hostname === e.host && u.pathname.startsWith(e.pathPrefix),
    );
  } catch {
    return false;
  }
}

/** The only permissions a page may get, and only the app's own top frame: the terminal's copy and paste. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set([
  'clipboard-sanitized-write',
  'clipboard-read',
]);

export function isPermissionAllowed(
  permission: string,
  requestingUrl: string | undefined | null,
  isMainFrame: boolean,
): boolean {
  return (
    ALLOWED_PERMISSIONS.has(permission) &&
    isMainFrame &&
    typeof requestingUrl === 'string' &&
    isAppUrl(requestingUrl)
  );
}

type PermissionSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/**
 * Deny by default (Electron's checklist item 5): camera, microphone, notifications, geolocation,
 * MIDI, HID/USB/serial devices, opening external protocols... all refused; only the allow-list
 * above, for the app's own top frame.
 */
export function denyPermissionsByDefault(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(
      isPermissionAllowed(permission, details?.requestingUrl, details?.isMainFrame ?? false),
    );
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionAllowed(
      permission,
      details?.requestingUrl ?? requestingOrigin,
      details?.isMainFrame ?? false,
    ),
  );
  session.setDevicePermissionHandler(() => false);
}

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Denies every navigation away from the app and every new window; links to allow-listed pages
 * (EXTERNAL_ALLOW_LIST) requested as new windows go to the system browser via `openExternal`.
 */
export function guardNavigation(
  contents: GuardedContents,
  openExternal: (url: string) => void,
): void {
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
