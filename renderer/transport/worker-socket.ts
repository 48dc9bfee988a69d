/**
 * Browser mode's WebSocket, received in a dedicated Worker (socket-worker.ts) and handed to the
 * page as a SocketLike, so the WebSocket transport (shared/transport/ws-client.ts) runs as before.
 *
 * Why: Chromium spends about 10 ms of the page's main thread receiving a 1.2 MB text frame
 * before any script sees it — a fleet's `monitor.delta` (4,096 GPUs) once a second, so a dropped
 * frame a second from receiving alone. Received in a worker, the page's share is the string's
 * copy (about 0.1 ms; measured side by side in Chromium, bench/README.md "monitor-ui"). The page
 * still parses the frames (in order, as before).
 *
 * Where there is no Worker (jsdom), or the worker cannot start (its script refused or missing),
 * the page opens the WebSocket itself, as it did before; the transport's reconnect covers the
 * one socket lost to a worker that failed.
 */
import type { SocketLike } from '../../shared/transport/ws-client';

export type ToSocketWorker =
  | { t: 'open'; url: string }
  | { t: 'send'; data: string }
  | { t: 'close'; code?: number; reason?: string };

export type FromSocketWorker =
  | { t: 'open' }
  | { t: 'message'; data: string }
  | { t: 'error' }
  | { t: 'close'; code: number; reason: string };

/** The part of a Worker used here (tests pass a fake). */
export interface WorkerLike {
  postMessage(message: ToSocketWorker): void;
  terminate(): void;
  onmessage: ((ev: { data: FromSocketWorker }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

class WorkerSocket implements SocketLike {
  readyState = CONNECTING;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;

  constructor(
    private readonly worker: WorkerLike,
    url: string,
    onWorkerFailed: () => void,
  ) {
    let heard = false;
    worker.onmessage = ({ data: m }) => {
      heard = true;
      if (m.t === 'open') {
        this.readyState = OPEN;
        this.onopen?.({});
      } else if (m.t === 'message') this.onmessage?.({ data: m.data });
      else if (m.t === 'error') this.onerror?.({});
      else this.closed(m.code, m.reason);
    };
    // The worker itself failed (its script did not load, or it threw): a socket closed abnormally.
    worker.onerror = (ev) => {
      if (!heard) onWorkerFailed();
      this.onerror?.(ev);
      this.closed(1006, 'The WebSocket worker failed.');
    };
    worker.postMessage({ t: 'open', url });
  }

  send(data: string): void {
    if (this.readyState !== OPEN) throw new Error('The WebSocket is not open.');
    this.worker.postMessage({ t: 'send', data });
  }

  close(code?: number, reason?: string): void {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    this.worker.postMessage({ t: 'close', code, reason });
  }

  private closed(code: number, reason: string): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.worker.terminate();
    this.onclose?.({ code, reason });
  }
}

/**
 * A SocketFactory for createWsTransport: sockets received in a worker made by `spawn`, or the
 * page's own WebSocket where there is no Worker or one failed to start.
 */
export function workerSocketFactory(
  spawn: (() => WorkerLike) | null,
  direct: (url: string) => SocketLike,
): (url: string) => SocketLike {
  let workerFailed = false;
  return (url) => {
    if (!spawn || workerFailed) return direct(url);
    let worker: WorkerLike;
    try {
      worker = spawn();
    } catch {
      workerFailed = true;
      return direct(url);
    }
    return new WorkerSocket(worker, url, () => (workerFailed = true));
  };
}

/** The app's worker: Vite bundles socket-worker.ts as a module worker from this URL. */
export function spawnSocketWorker(): WorkerLike {
  return new Worker(new URL('./socket-worker.ts', import.meta.url), {
    type: 'module',
    name: 'raydeck-socket',
  }) as unknown as WorkerLike;
}
