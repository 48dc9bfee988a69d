/**
 * Runs in a dedicated Worker (see worker-socket.ts): owns the browser-mode WebSocket and relays
 * it to the page — frames in as strings, sends and close out. Nothing is parsed here: the page
 * gets the same text it would have got from its own socket, only without Chromium's cost of
 * receiving a large frame on its main thread.
 */
import type { FromSocketWorker, ToSocketWorker } from './worker-socket';

const scope = globalThis as unknown as {
  postMessage(message: FromSocketWorker): void;
  onmessage: ((ev: { data: ToSocketWorker }) => void) | null;
  close(): void;
};

let socket: WebSocket | null = null;

scope.onmessage = ({ data: m }) => {
  if (m.t === 'open') {
    const s = new WebSocket(m.url);
    socket = s;
    s.onopen = () => scope.postMessage({ t: 'open' });
    s.onmessage = (ev) => {
      if (typeof ev.data === 'string') scope.postMessage({ t: 'message', data: ev.data });
    };
    s.onerror = () => scope.postMessage({ t: 'error' });
    s.onclose = (ev) => {
      scope.postMessage({ t: 'close', code: ev.code, reason: ev.reason });
      scope.close();
    };
  } else if (m.t === 'send') socket?.send(m.data);
  else if (m.t === 'close') socket?.close(m.code, m.reason);
};
