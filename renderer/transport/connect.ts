/**
 * Picks the transport for this page: the Electron bridge when the preload exposed one, else the
 * browser-mode WebSocket on the same origin (the token travels as the HttpOnly cookie).
 */
import { BRIDGE_GLOBAL, createClient, type RaydeckBridge, type RaydeckClient } from '../../shared';
import { createWsTransport, type SocketLike } from '../../shared/transport/ws-client';
import { createIpcTransport } from './ipc-transport';

export function connectToCore(win: Window = window): RaydeckClient {
  const bridge = (win as unknown as Record<string, RaydeckBridge | undefined>)[BRIDGE_GLOBAL];
  if (bridge) return createClient(createIpcTransport(bridge));
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  return createClient(
    createWsTransport({
      url: `${scheme}://${win.location.host}/api/ws`,
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      setTimer: (fn, ms) => win.setTimeout(fn, ms),
      clearTimer: (handle) => win.clearTimeout(handle as number),
    }),
  );
}
