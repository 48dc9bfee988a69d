/**
 * Picks the transport for this page: the Electron bridge when the preload exposed one, else the
 * browser-mode WebSocket on the same origin (received in a worker: worker-socket.ts).
 *
 * Browser mode authenticates the WebSocket with the per-launch token, never with a cookie
 * (browsers send cookies to every port of 127.0.0.1, so a cookie would reach every other local
 * server: issue 16). The page is opened as `/?token=…` (the URL `raydeck ui` prints); it keeps the
 * token in this tab's sessionStorage — scoped to this origin, port included, and gone with the tab
 * — and drops it from the address bar, so a reload still connects and nothing ambient carries it.
 */
import { BRIDGE_GLOBAL, createClient, type RaydeckBridge, type RaydeckClient } from '../../shared';
import { createWsTransport, type SocketLike } from '../../shared/transport/ws-client';
import { createIpcTransport } from './ipc-transport';
import { spawnSocketWorker, workerSocketFactory } from './worker-socket';

const TOKEN_KEY = 'raydeck-token';

type PageWindow = Pick<
  Window,
  'location' | 'history' | 'sessionStorage' | 'setTimeout' | 'clearTimeout'
>;

/** The token from the address (then stored and removed from it) or from this tab's storage. */
export function takePageToken(win: PageWindow): string | null {
  const params = new URLSearchParams(win.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage refused (private mode quotas): the token still lives for this page's lifetime.
    }
    params.delete('token');
    const search = params.toString();
    win.history.replaceState(
      win.history.state,
      '',
      `${win.location.pathname}${search ? `?${search}` : ''}${win.location.hash}`,
    );
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** The browser-mode WebSocket URL of this page, token included. */
export function webSocketUrl(win: PageWindow, token: string | null): string {
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${win.location.host}/api/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

export function connectToCore(win: Window = window): RaydeckClient {
  const bridge = (win as unknown as Record<string, RaydeckBridge | undefined>)[BRIDGE_GLOBAL];
  if (bridge) return createClient(createIpcTransport(bridge));
  const url = webSocketUrl(win, takePageToken(win));
  return createClient(
    createWsTransport({
      url,
      // Received in a worker: a large frame costs the page's main thread a string copy, not ~10 ms.
      createSocket: workerSocketFactory(
        typeof Worker === 'function' ? spawnSocketWorker : null,
        (u) => new WebSocket(u) as unknown as SocketLike,
      ),
      setTimer: (fn, ms) => win.setTimeout(fn, ms),
      clearTimer: (handle) => win.clearTimeout(handle as number),
    }),
  );
}
