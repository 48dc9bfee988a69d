/**
 * Browser-mode transport: the client end of the core's WebSocket. Calls are matched to results
 * by id; subscriptions are ref-counted per event and sent again after every reconnect, so a
 * dropped socket loses no subscription. Calls in flight when the socket drops fail with
 * `disconnected` (they are not replayed: a call may not be safe to run twice).
 *
 * Pure: it takes a WebSocket constructor, so it runs with the DOM's WebSocket in the renderer
 * and with the `ws` package in Node tests.
 */
import type { CallResult } from '../contract/result';
import { ServerFrame, type ClientFrame } from './wire';
import type { Transport, TransportStatus } from './transport';

/** The part of a WebSocket this transport uses (DOM and `ws` both have it). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

export interface WsTransportOptions {
  url: string;
  createSocket: SocketFactory;
  /** Backoff between reconnect attempts: min(maxDelayMs, baseDelayMs * 2^attempt). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Give up (status `closed`) after this many failed attempts in a row. */
  maxAttempts?: number;
  /** Timers come from the host (shared/ has neither DOM nor Node globals); tests pass fakes. */
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
}

const OPEN = 1;

export function createWsTransport(opts: WsTransportOptions): Transport {
  const baseDelay = opts.baseDelayMs ?? 250;
  const maxDelay = opts.maxDelayMs ?? 5000;
  const maxAttempts = opts.maxAttempts ?? 1000;
  const { setTimer, clearTimer } = opts;

  let socket: SocketLike | null = null;
  let status: TransportStatus = 'connecting';
  let attempts = 0;
  let closedByUser = false;
  let reconnectTimer: unknown = null;
  let nextId = 1;
  const pending = new Map<number, (r: CallResult<unknown>) => void>();
  const outbox: ClientFrame[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(s: TransportStatus) => void>();

  const setStatus = (s: TransportStatus) => {
    if (status === s) return;
    status = s;
    for (const l of statusListeners) l(s);
  };

  const send = (frame: ClientFrame) => {
    if (socket && socket.readyState === OPEN) socket.send(JSON.stringify(frame));
    else outbox.push(frame);
  };

  const failPending = (message: string) => {
    for (const resolve of pending.values())
      resolve({ ok: false, error: { code: 'disconnected', message } });
    pending.clear();
    // Queued calls were never sent; fail them too rather than replaying them later.
    for (let i = outbox.length - 1; i >= 0; i--) if (outbox[i]!.t === 'call') outbox.splice(i, 1);
  };

  const onFrame = (raw: unknown) => {
    if (typeof raw !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const frame = ServerFrame.safeParse(parsed);
    if (!frame.success) return;
    const f = frame.data;
    if (f.t === 'result') {
      const resolve = pending.get(f.id);
      if (!resolve) return;
      pending.delete(f.id);
      resolve(f.result as CallResult<unknown>);
    } else {
      const set = listeners.get(f.event);
      if (set) for (const l of [...set]) l(f.payload);
    }
  };

  const connect = () => {
    setStatus(attempts === 0 && status === 'connecting' ? 'connecting' : 'reconnecting');
    let s: SocketLike;
    try {
      s = opts.createSocket(opts.url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = s;
    s.onopen = () => {
      attempts = 0;
      // Re-subscribe everything first, then flush what was queued while offline.
      for (const event of listeners.keys())
        s.send(JSON.stringify({ t: 'sub', event } satisfies ClientFrame));
      const queued = outbox.splice(0, outbox.length);
      for (const frame of queued) {
        if (frame.t === 'sub' || frame.t === 'unsub') continue; // covered by the re-subscribe above
        s.send(JSON.stringify(frame));
      }
      setStatus('open');
    };
    s.onmessage = (ev) => onFrame(ev.data);
    s.onerror = () => {};
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      failPending('The connection to the Raydeck core dropped before it answered; try again.');
      if (closedByUser) setStatus('closed');
      else scheduleReconnect();
    };
  };

  const scheduleReconnect = () => {
    attempts += 1;
    if (attempts > maxAttempts) {
      setStatus('closed');
      return;
    }
    setStatus('reconnecting');
    const delay = Math.min(maxDelay, baseDelay * 2 ** Math.min(attempts - 1, 16));
    reconnectTimer = setTimer(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  };

  connect();

  return {
    call(method, input) {
      const id = nextId++;
      return new Promise((resolve) => {
        if (status === 'closed') {
          resolve({
            ok: false,
            error: { code: 'disconnected', message: 'Not connected to the Raydeck core.' },
          });
          return;
        }
        pending.set(id, resolve);
        send({ t: 'call', id, method, input });
      });
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        send({ t: 'sub', event });
      }
      set.add(listener);
      return () => {
        const current = listeners.get(event);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) {
          listeners.delete(event);
          send({ t: 'unsub', event });
        }
      };
    },
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
    close() {
      closedByUser = true;
      if (reconnectTimer !== null) clearTimer(reconnectTimer);
      failPending('The client was closed.');
      socket?.close(1000, 'client closed');
      setStatus('closed');
    },
  };
}
